"""A room led by the lecturer: the shared view followers follow, locks, and the lecturer's key."""
