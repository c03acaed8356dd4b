"""The audit log: who did what, when, before and after (the model and the writer; the page is in administration)."""
