"""Logins, roles and sessions: accounts as read (`accounts`) and written (`users`), their
passwords (`passwords`), server-side sessions (`sessions`), the login throttle
(`throttle`), the roles with their scopes and pages (`roles`), what each role may see
(`scope`), the demo accounts (`demo_accounts`) and the three engine-level calls the app
makes (`login`).

Plain Python like the rest of core: the app owns the cookie, core owns everything behind it.
"""
