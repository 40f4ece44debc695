"""The embedded PostgreSQL and Redis: started on first use, stopped by the last user, and never
stuck after a kill (each test has a data directory of its own, not the project's `.data/`)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from innexar.embedded import EmbeddedPostgres, EmbeddedRedis
from tests.conftest import outside_pytests_temp

PROJECT_ROOT = Path(__file__).resolve().parents[2]
USE_AND_EXIT = "import sys; from pathlib import Path; from innexar.embedded import EmbeddedPostgres; " \
    "EmbeddedPostgres(Path(sys.argv[1])).use()"
USE_AND_WAIT = USE_AND_EXIT + "; print('using', flush=True); sys.stdin.read()"


@pytest.fixture(scope="module")
def home():
    """A data directory whose server was initialised once (initdb takes seconds)."""
    with outside_pytests_temp("innexar-embedded-") as path:
        _python(USE_AND_EXIT, path)
        yield path
        server = EmbeddedPostgres(path)
        if server._postmaster()[0] is not None:
            server._stop()


def _python(code: str, home: Path) -> None:
    subprocess.run([sys.executable, "-c", code, str(home)], cwd=PROJECT_ROOT, check=True, timeout=120)


def _user_process(home: Path) -> subprocess.Popen:
    """A process that uses the server until its stdin is closed."""
    process = subprocess.Popen(
        [sys.executable, "-c", USE_AND_WAIT, str(home)], cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout.readline() == "using\n"
    return process


def _postmaster_pid(home: Path) -> int | None:
    return EmbeddedPostgres(home)._postmaster()[0]


def _rows(url: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS kept (note text)")
        return connection.execute("SELECT note FROM kept ORDER BY note").fetchall()


def _insert(url: str, note: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS kept (note text)")
        connection.execute("INSERT INTO kept VALUES (%s)", [note])


def test_the_process_that_started_the_server_stops_it_when_it_exits(home):
    _python(USE_AND_EXIT, home)

    assert _postmaster_pid(home) is None


def test_the_server_keeps_running_while_another_process_uses_it(home):
    holder = _user_process(home)
    try:
        _python(USE_AND_EXIT, home)
        assert _postmaster_pid(home) is not None
    finally:
        holder.communicate("")

    assert _postmaster_pid(home) is None


def test_a_user_killed_with_sigkill_does_not_keep_the_server_running_forever(home):
    holder = _user_process(home)
    holder.kill()
    holder.wait()
    assert _postmaster_pid(home) is not None  # nobody got to stop it

    _python(USE_AND_EXIT, home)

    assert _postmaster_pid(home) is None


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_server_comes_back_with_its_data(home, signal_number):
    server, restarted = EmbeddedPostgres(home), EmbeddedPostgres(home)
    url = server.use()
    try:
        _insert(url, f"before {signal_number.name}")
        # SIGTERM is PostgreSQL's smart shutdown: it waits for this client to go.
        client = psycopg.connect(url)
        os.kill(_postmaster_pid(home), signal_number)
        time.sleep(0.5)

        again = restarted.use()

        client.close()
        assert (f"before {signal_number.name}",) in _rows(again)
    finally:
        server.leave()
        restarted.leave()


def test_a_pid_list_left_empty_by_an_older_version_is_ignored(home):
    """pgserver's own `.handle_pids.json`, emptied by a kill, stopped every later start."""
    (home / "pgdata" / ".handle_pids.json").write_text("")

    _python(USE_AND_EXIT, home)


def test_an_interrupted_first_start_is_started_over(service_home):
    (service_home / "pgdata").mkdir()  # what a kill during the first initdb left
    (service_home / "pgdata.initdb").mkdir()
    (service_home / "pgdata.initdb" / "PG_VERSION").write_text("16\n")

    server = EmbeddedPostgres(service_home)
    try:
        _insert(server.use(), "fresh")
    finally:
        server.leave()

    assert not (service_home / "pgdata.initdb").exists()
    assert _postmaster_pid(service_home) is None


def test_redis_starts_once_and_answers_on_its_socket(service_home):
    redis = EmbeddedRedis(service_home)
    try:
        assert redis.start() is True
        assert redis.start() is False  # a second run reuses it
        assert redis.ping()
    finally:
        redis.stop()

    assert not redis.ping()


def test_redis_killed_with_sigkill_starts_again_with_its_queue(service_home):
    import redis as redis_client

    redis = EmbeddedRedis(service_home)
    redis.start()
    client = redis_client.Redis(unix_socket_path=str(redis.socket))
    client.lpush("celery", "a queued task")
    time.sleep(1.5)  # the append-only file is written every second
    os.kill(int(client.info("server")["process_id"]), signal.SIGKILL)
    time.sleep(0.2)

    try:
        assert redis.start() is True
        assert redis_client.Redis(unix_socket_path=str(redis.socket)).lrange("celery", 0, -1) == [b"a queued task"]
    finally:
        redis.stop()
