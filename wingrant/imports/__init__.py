"""Importing a Quartiersmanagement's own project list (XLSX/CSV): upload, preview, confirm."""
