"""Organisations (Träger) and their project applications, from draft to proof of use."""
