"""`make bench`: measured figures for docs/performance.md (never timed tests)."""
