"""The field screens (core/field): the officer's plan for the day and the week, the
collection sheet of a meeting day, and the reconciliation of field receipts."""
