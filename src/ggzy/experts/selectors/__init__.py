"""Reads over the expert pool, scoped to the user."""
