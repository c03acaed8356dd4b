"""Users, roles per neighbourhood, login and permission checks."""
