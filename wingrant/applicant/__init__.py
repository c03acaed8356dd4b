"""Applicants without an account: the public application form and the private link to their draft."""
