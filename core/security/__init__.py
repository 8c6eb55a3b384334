"""Security state shared by every server process: one-time download grants and the
record of login attempts the throttle reads (issue 15)."""
