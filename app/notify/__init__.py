"""Screens of the reminders: a person's digest contacts."""
