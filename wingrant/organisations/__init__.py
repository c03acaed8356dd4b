"""The Träger (organisations that apply): shared by applications, the import and the public form."""
