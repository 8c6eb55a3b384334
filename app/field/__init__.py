"""The field screens (core/field): the officer's plan for the day and the week, and the
reconciliation of field receipts."""
