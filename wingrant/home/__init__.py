"""The start page and the budget overview: where everyone lands (above the ledger)."""
