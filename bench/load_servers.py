"""App processes for `python -m bench --load N --processes K`: K `streamlit run serve.py`
on the same database, each on a free port, and for more than one Debian's nginx in front
of them on one port, started and stopped by the benchmark.

A Streamlit session lives in one process (its websocket, its session state), so nginx must
send every request of a login to the same process: it hashes the session cookie
(`hash $cookie_fieldbook_session consistent`; ip_hash would send every client of this
machine to one process). The login form's POST carries no cookie yet and goes to any
process: logins live in the database, which every process reads.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.e2e.driver import free_port, serve, wait_healthy

NGINX = Path(os.environ.get("FIELDBOOK_NGINX", "/usr/sbin/nginx"))


def nginx_conf(folder: Path, port: int, app_ports: list[int]) -> str:
    """nginx's configuration: `port` in front of the app processes, sticky per login,
    websockets passed through, everything nginx writes kept in `folder`."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in app_ports)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
{temp}
    client_max_body_size 0;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' close;
    }}
    upstream fieldbook {{
        hash $cookie_fieldbook_session consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://fieldbook;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_read_timeout 3600s;
            proxy_buffering off;
        }}
    }}
}}
"""


@contextmanager
def _nginx(app_ports: list[int]) -> Iterator[str]:
    if not NGINX.exists():
        raise SystemExit(
            f"{NGINX} is missing: `make bench-load` installs Debian's nginx (apt-get install "
            "nginx), or set FIELDBOOK_NGINX to an nginx binary."
        )
    with tempfile.TemporaryDirectory(prefix="fieldbook-nginx-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # nginx's workers may run as another user and read through it
        port = free_port()
        conf = folder / "nginx.conf"
        conf.write_text(nginx_conf(folder, port, app_ports), encoding="utf-8")
        log = folder / "error.log"
        process = subprocess.Popen(
            [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, process, lambda: log.read_text(errors="replace"), "nginx")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def app_servers(processes: int, database_url: str) -> Iterator[str]:
    """Starts `processes` app processes on `database_url` (and nginx in front of more
    than one); yields the URL the sessions use; stops them all on leaving."""
    with ExitStack() as stack:
        bases = [stack.enter_context(serve(database_url)) for _ in range(processes)]
        if processes == 1:
            yield bases[0]
            return
        ports = [int(base.rsplit(":", 1)[1]) for base in bases]
        yield stack.enter_context(_nginx(ports))
