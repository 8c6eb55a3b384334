"""Logging in and out: the session cookie's routes, the login and password forms."""
