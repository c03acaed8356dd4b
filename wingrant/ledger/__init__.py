"""The budget ledger: yearly budgets per neighbourhood and programme, and the append-only
entries that allocate, commit, release and reverse money."""
