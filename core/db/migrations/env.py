"""Alembic environment: runs on the connection core.db.schema hands over, or on DATABASE_URL.

`python -m core migrate` and every command call core.db.schema.ensure_schema, which passes
its own connection; running the `alembic` tool directly (alembic.ini at the project root)
falls back to an engine built from the settings.
"""

from alembic import context
from sqlalchemy import Connection

from core.db.engine import make_engine, write_transaction
from core.db.tables import all_tables

config = context.config
target_metadata = all_tables()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with write_transaction(make_engine()) as own_connection:
        _run(own_connection)
