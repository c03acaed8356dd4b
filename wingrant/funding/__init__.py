"""After the forum's decision: the grant (Bewilligung), payouts (Mittelabruf) and the proof of use (Verwendungsnachweis)."""
