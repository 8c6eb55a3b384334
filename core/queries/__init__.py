"""Read side: functions (connection, scope, filters) → rows. The ORM stays in here."""
