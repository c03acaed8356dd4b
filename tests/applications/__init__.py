"""Tests of the applications feature (issue 3)."""
