"""The forum's mailing list (Verteiler): double opt-in subscribers, list mail, one-click unsubscribe."""
