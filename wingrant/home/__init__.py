"""Site pages: the start page and budget overview (everyone lands here), the accessibility statement."""
