"""After the forum's decision: the grant (Bewilligung), payouts and the proof of use (Verwendungsnachweis)."""
