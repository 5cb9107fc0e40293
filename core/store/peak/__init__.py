"""SQL of peak days (core/peak/): ceremonies and ballots."""
