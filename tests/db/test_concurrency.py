"""Several app sessions can write at once: writers queue for the lock, none fails."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, text

from core.db.engine import bump_data_version, make_engine, read_data_version, write_transaction


def test_eight_concurrent_writers_all_succeed(database_url: str) -> None:
    engines = [make_engine(database_url=database_url) for _ in range(8)]
    failures: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def writer(engine: Engine) -> None:
        try:
            start.wait()
            for _ in range(5):
                with write_transaction(engine) as conn:
                    # Read, then write, in one transaction: the pattern that fails with
                    # "database is locked" under SQLite's default deferred BEGIN.
                    conn.execute(text("SELECT COUNT(*) FROM data_version")).scalar()
                    bump_data_version(conn)
        except BaseException as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with engines[0].connect() as conn:
        assert read_data_version(conn) == 40
    for engine in engines:
        engine.dispose()


def test_a_failed_write_transaction_leaves_nothing(engine: Engine) -> None:
    try:
        with write_transaction(engine) as conn:
            bump_data_version(conn)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with engine.connect() as conn:
        assert read_data_version(conn) == 0
