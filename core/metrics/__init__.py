"""The figures of docs/metrics.md, computed in SQL for any scope, period and as-of date."""
