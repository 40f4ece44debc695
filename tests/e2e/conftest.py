"""Browser tests: the site runs as a real server process on the pytest database.

Not pytest-django's live_server, whose flush would wipe the session's tenants: what the server
writes commits as it does in production, and each test removes what it made.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import database_url

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """The port of `manage.py runserver` serving the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PORT": str(port),
        "INNEXAR_SPARE_SCHEMA_AUTO_REPLENISH": "false",
    }
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"The server exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"The server did not start in 60 s:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)
