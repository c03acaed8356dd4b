"""The web shell: start page, health check, layout helpers."""
