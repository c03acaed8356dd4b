"""Cross-feature pages for administrators (the audit log), above auth and audit."""
