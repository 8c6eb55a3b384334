"""Screens of the field lists: the collection sheet of a meeting day (core/field)."""
