"""Operating the installation: backup and restore, retention of personal data."""
