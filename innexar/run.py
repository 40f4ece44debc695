"""`make run`: the production topology on one machine (`make dev`: the same, auto-reloading web).

Starts what the environment does not provide — the embedded PostgreSQL without `DATABASE_URL`,
the embedded Redis without `REDIS_URL` or `CELERY_BROKER_URL` — runs the Procfile's release
step, loads the demo, then runs the Procfile's web, worker and beat together (honcho) until
Ctrl-C, and stops everything it started. Each process's output goes to the terminal and to
`.data/log/<process>.log`.

A run that was killed leaves nothing that stops the next one: PostgreSQL and Redis left running
are reused, and processes of the dead run (found by the marker in their environment) are
stopped before anything starts.
"""

import argparse
import contextlib
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
from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

from .db import embedded_postgres
from .embedded import BASE_DIR, EmbeddedRedis, data_dir

RUN_MARKER = "INNEXAR_RUN_HOME"
RUN_PID = "INNEXAR_RUN_PID"
SERVED = ("web", "worker", "beat")


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


class LogFilePrinter(Printer):
    """Honcho's terminal output, plus one log file per process."""

    def __init__(self, log_dir: Path, **kwargs):
        super().__init__(**kwargs)
        self.log_dir = log_dir
        self.files = {}

    def write(self, message):
        # A terminal that went away must not stop the loop that stops the servers.
        with contextlib.suppress(OSError, ValueError):
            super().write(message)
        if not message.name or message.name == "system":
            return
        if message.name not in self.files:
            self.files[message.name] = open(self.log_dir / f"{message.name}.log", "a", buffering=1)  # noqa: SIM115
        data = message.data.decode("utf-8", "replace") if isinstance(message.data, bytes) else message.data
        self.files[message.name].write(data if data.endswith("\n") else data + "\n")


def _is_live_run(pid: int) -> bool:
    try:
        return "innexar.run" in psutil.Process(pid).cmdline()
    except psutil.Error:
        return False


def stop_leftovers() -> None:
    """Stop the processes of an earlier run of this checkout that did not get to stop them."""
    leftovers = []
    for process in psutil.process_iter():
        try:
            environ = process.environ()
        except (psutil.Error, OSError):
            continue
        if environ.get(RUN_MARKER) != str(BASE_DIR):
            continue
        supervisor = int(environ.get(RUN_PID, "0"))
        if supervisor != os.getpid() and _is_live_run(supervisor):
            sys.exit(f"Innexar is already running from this folder (process {supervisor}); stop it first.")
        leftovers.append(process)
    if not leftovers:
        return
    say(f"Stopping {len(leftovers)} process(es) left running by an earlier run")
    for process in leftovers:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _, alive = psutil.wait_procs(leftovers, timeout=10)
    for process in alive:
        process.kill()


def _die_with_this_process() -> None:
    """In a child forked from here (honcho's watcher of each process): be killed when this process
    dies, even by SIGKILL. The watchers ignore SIGINT and SIGTERM, so nothing else would end them;
    the servers they watch then lose their output and the next run stops what is left."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def wait_until_serving(port: str, on_ready) -> None:
    """Call `on_ready` once the web process answers its health check."""
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                on_ready()
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="serve with Django's auto-reloading runserver")
    args = parser.parse_args(argv)

    # Until honcho takes over, SIGTERM stops the run as Ctrl-C does, through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if sys.platform == "linux":
        os.register_at_fork(after_in_child=_die_with_this_process)
    stop_leftovers()

    port = os.environ.get("PORT", "8000")
    home = data_dir()
    log_dir = home / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "PORT": port,
        "CELERY_BEAT_SCHEDULE_FILENAME": str(home / "celerybeat-schedule"),
        RUN_MARKER: str(BASE_DIR),
        RUN_PID: str(os.getpid()),
        # gunicorn and Celery retitle their processes with setproctitle, which by default writes
        # over the memory /proc/<pid>/environ shows: the marker above would vanish, and the next
        # run could not find (and stop) what a killed run left serving on its port.
        "SPT_NOENV": "1",
    })

    redis = None
    try:
        if not env.get("DATABASE_URL"):
            say(f"Starting PostgreSQL (embedded, data in {home / 'pgdata'})")
            env["DATABASE_URL"] = embedded_postgres.use()
        if not (env.get("REDIS_URL") or env.get("CELERY_BROKER_URL")):
            redis = EmbeddedRedis(home)
            say(f"Starting Redis (embedded broker and cache, data in {redis.home})")
            redis.start()
            env["CELERY_BROKER_URL"] = env["CELERY_RESULT_BACKEND"] = redis.broker_url()
            env["REDIS_CACHE_URL"] = redis.cache_url()

        procfile = parse_procfile((BASE_DIR / "Procfile").read_text())
        say("Migrating (the Procfile's release step)")
        subprocess.run(procfile.processes["release"], shell=True, env=env, cwd=BASE_DIR, check=True)  # noqa: S602
        say("Loading the demo workspace")
        demo = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "load_demo"], env=env, cwd=BASE_DIR, check=True,
            capture_output=True, text=True,
        )

        commands = {name: procfile.processes[name] for name in SERVED}
        if args.dev:
            commands["web"] = "python manage.py runserver 0.0.0.0:$PORT"
        manager = Manager(LogFilePrinter(log_dir, output=sys.stdout))
        for name, command in commands.items():
            # `exec`: the process honcho watches is the server itself, not a shell around it, so
            # a server that stops is seen to stop (and a signal for it reaches it).
            manager.add_process(name, f"exec {command}", env=env, cwd=str(BASE_DIR))

        def ready():
            print(demo.stdout, end="", flush=True)
            say(f"Web, worker and beat are running; their logs: {log_dir}/{{web,worker,beat}}.log. Ctrl-C stops all.")

        threading.Thread(target=wait_until_serving, args=(port, ready), daemon=True).start()
        # A closed terminal stops the run as Ctrl-C does (honcho handles SIGINT and SIGTERM).
        signal.signal(signal.SIGHUP, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
        manager.loop()
        return manager.returncode or 0
    except subprocess.CalledProcessError as error:
        say(f"Stopped: `{error.cmd}` failed with exit code {error.returncode}")
        if error.stderr:
            print(error.stderr, file=sys.stderr)
        return error.returncode or 1
    except KeyboardInterrupt:
        return 130
    finally:
        if redis is not None:
            say("Stopping Redis")
            redis.stop()
        embedded_postgres.leave()  # stops PostgreSQL unless another process still uses it


if __name__ == "__main__":
    sys.exit(main())
