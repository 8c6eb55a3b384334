"""A throwaway PostgreSQL 15 server for the test session: initdb, pg_ctl start, stop.

Runs the server as the `postgres` user when the tests run as root (PostgreSQL refuses
to run as root). A missing binary is an error that says what to install, never a skip:
`make test` must test PostgreSQL every time.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("FIELDBOOK_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresServer:
    """One server on a free loopback port with trust authentication."""

    def __init__(self) -> None:
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (PG_BIN / tool).exists():
                raise RuntimeError(
                    f"PostgreSQL 15 is not installed: {PG_BIN / tool} is missing. "
                    "Run `apt-get install postgresql-15` (make test does) or set "
                    "FIELDBOOK_PG_BIN to the folder holding initdb and pg_ctl."
                )
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else getpass.getuser()
        self.root = Path(tempfile.mkdtemp(prefix="fieldbook-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [*args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{completed.stdout}{completed.stderr}")

    def start(self) -> None:
        """initdb and start; returns once the server accepts connections."""
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "-U",
            self.user,
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        """Stops the server and removes its files."""
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
