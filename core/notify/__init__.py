"""Reminders outside the app: each person's daily digest by e-mail and/or a group robot's
webhook (WeChat Work, DingTalk), their contact settings, and the delivery log that keeps
sending idempotent per person and day."""
