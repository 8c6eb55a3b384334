"""Training records and batches, and the trained-versus-untrained cohorts."""
