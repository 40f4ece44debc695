"""`make run` (innexar/run.py) as a new user meets it: killed at each stage, with SIGKILL or SIGTERM,
the next run comes up by itself with the data intact, and Ctrl-C leaves nothing running.

It runs on a data directory of its own, with the embedded PostgreSQL and Redis (whatever the
suite itself uses), so it is slow: one test walks through every stage.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from innexar.embedded import EmbeddedPostgres, EmbeddedRedis
from innexar.run import RUN_MARKER
from tests.e2e.conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
READY = "Web, worker and beat are running"
PASSWORD = "Correct-Horse-42"


class Run:
    """One `make run`, its output read line by line as it comes."""

    def __init__(self, home: Path, port: int):
        # Nothing configured, as on a new user's machine: the embedded PostgreSQL and Redis.
        configured = ("REDIS_", "CELERY_", "DATABASE_")
        env = {key: value for key, value in os.environ.items() if not key.startswith(configured)}
        env.update({
            "INNEXAR_DATA_DIR": str(home), "PORT": str(port), "INNEXAR_SPARE_SCHEMA_POOL_SIZE": "2",
            "WEB_CONCURRENCY": "1",
        })
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "innexar.run"], cwd=PROJECT_ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.lines: list[str] = []
        self.finished = False
        self._new_line = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self._new_line:
                self.lines.append(line)
                self._new_line.notify_all()
        with self._new_line:
            self.finished = True
            self._new_line.notify_all()

    def wait_for(self, text: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        with self._new_line:
            while not any(text in line for line in self.lines):
                if self.finished:
                    pytest.fail(f"make run ended before {text!r}:\n{self.output}")
                if time.monotonic() > deadline:
                    pytest.fail(f"no {text!r} in {timeout} s:\n{self.output}")
                self._new_line.wait(1)

    @property
    def output(self) -> str:
        return "".join(self.lines[-80:])

    def signal(self, number: int) -> None:
        os.kill(self.process.pid, number)

    def wait(self) -> int:
        return self.process.wait(timeout=60)

    def post(self, path: str, body: dict, host: str = "localhost") -> tuple[int, dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Host": f"{host}:{self.port}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def _processes_of_runs() -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(RUN_MARKER) == str(PROJECT_ROOT):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def _is_gunicorn(process: psutil.Process | None) -> bool:
    # Before it retitles itself: `.../python .../gunicorn innexar.wsgi ...`; after: `gunicorn: master [...]`.
    return process is not None and "gunicorn" in " ".join(process.cmdline()[:2])


def _web_master(run: "Run") -> psutil.Process:
    masters = [p for p in _processes_of_runs() if _is_gunicorn(p) and not _is_gunicorn(p.parent())]
    if len(masters) != 1:
        pytest.fail(f"{len(masters)} gunicorn masters of this checkout are running:\n{run.output}")
    return masters[0]


@pytest.fixture
def home(service_home):
    yield service_home
    for process in _processes_of_runs():
        process.kill()
    EmbeddedRedis(service_home).stop()
    postgres = EmbeddedPostgres(service_home)
    if postgres._postmaster()[0] is not None:
        postgres._stop()


def test_make_run_survives_kills_at_every_stage_and_stops_everything_on_ctrl_c(home):
    port = free_port()

    # Killed at each stage before serving, by SIGKILL (nothing cleaned up) or SIGTERM.
    for stage, number, after in [
        ("==> Starting Redis", signal.SIGKILL, 0),
        ("==> Starting Redis", signal.SIGTERM, 0),
        ("==> Migrating", signal.SIGKILL, 2),
        ("==> Migrating", signal.SIGTERM, 1),
        ("==> Loading the demo", signal.SIGKILL, 1),
        ("==> Loading the demo", signal.SIGTERM, 0.5),
    ]:
        run = Run(home, port)
        run.wait_for(stage)
        time.sleep(after)
        run.signal(number)
        run.wait()

    # Serving, then killed outright: web, worker and beat are left behind without their parent.
    run = Run(home, port)
    run.wait_for(READY)
    status, body = run.post("/api/v1/public/tenants/", {
        "name": "Kept Co", "schema_name": "kept", "plan": "starter",
        "admin_user": {"name": "Kim", "email": "kim@kept.example.com", "password": PASSWORD},
    })
    assert status == 201, body
    run.signal(signal.SIGKILL)
    run.wait()

    # The next run stops what is left of it; then web and PostgreSQL are stopped with SIGTERM, in
    # that order.
    run = Run(home, port)
    run.wait_for(READY)
    assert any("left running by an earlier run" in line for line in run.lines), run.output
    _web_master(run).terminate()
    os.kill(EmbeddedPostgres(home)._postmaster()[0], signal.SIGTERM)
    run.wait()

    # Everything killed at once, PostgreSQL and Redis included.
    run = Run(home, port)
    run.wait_for(READY)
    for process in _processes_of_runs():
        process.kill()
    os.kill(EmbeddedPostgres(home)._postmaster()[0], signal.SIGKILL)
    EmbeddedRedis(home)._client(timeout=1).shutdown(nosave=True)  # as a kill would leave it
    run.signal(signal.SIGKILL)
    run.wait()

    # And it comes up with everything that was there.
    run = Run(home, port)
    run.wait_for(READY)
    status, body = run.post("/api/v1/public/auth/login/", {"email": "kim@kept.example.com", "password": PASSWORD})
    assert status == 200, body
    assert body["user"]["tenant"]["schema_name"] == "kept"
    status, body = run.post("/api/v1/public/auth/login/",
                            {"email": "admin@demo.innexar.app", "password": "Innexar-demo-2026"})
    assert status == 200, body

    run.signal(signal.SIGINT)  # Ctrl-C
    assert run.wait() == 130
    assert _processes_of_runs() == []
    assert EmbeddedPostgres(home)._postmaster()[0] is None
    assert not EmbeddedRedis(home).ping()
