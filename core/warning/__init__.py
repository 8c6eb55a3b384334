"""The early warning: which loans are slipping, why, and how far to trust it."""
