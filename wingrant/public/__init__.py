"""The public portal: published decisions, budgets and minutes, no login."""
