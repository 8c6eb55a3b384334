"""Quarterly self-summaries (the officer's and the leader's side), 1:1s and action
items, and the reminders of both."""
