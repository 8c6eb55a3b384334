"""The administrator's screens: import, users, configuration, backup, the audit trail."""
