"""The forum's mailing list (Verteiler): double opt-in subscribers per neighbourhood, list mail, one-click unsubscribe."""
