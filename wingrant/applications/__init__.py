"""Project applications: the application, its cost and financing plans, life cycle, files and list."""
