"""Visits: the record form, the week's board and the history."""
