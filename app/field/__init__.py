"""The officer's field work: the reconciliation of field receipts (and the field lists)."""
