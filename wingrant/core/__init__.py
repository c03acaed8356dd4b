"""The web shell's infrastructure: security headers, templating, i18n, throttle, PDF fetching, error pages."""
