"""Outgoing webhooks on the real processes: 1,000 events delivered to a local receiver by the
Procfile's Celery worker (`celery -A innexar worker`, as `make run` starts it) on Redis.

Each event is a lead created through the CRM's service in a transaction of its own, as a request
creates one; the commit sends the outbox's relay, the relay owes a delivery to the workspace's
endpoint (subscribed to lead.created), and the delivery task posts it, signed, to a receiver on
loopback that answers 200 and notes when each event id arrived. Event-to-delivery is from the
event's `occurred_at` (when its transaction recorded it) to its arrival at the receiver; loss is
the events the receiver never got, duplicates those it got twice.

Needs REDIS_URL (the broker). The worker takes queues of its own (a prefix of this run's), so
another worker on the same Redis takes none of its tasks.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/webhooks_delivery.py [--events 1000] [--rate 0]
"""

import argparse
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import PASSWORD, ROOT, bench_database, free_port, server_description, setup_django

SUBDOMAIN = "benchhooks"
QUEUE = f"bench-webhooks-{os.getpid()}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class Receiver:
    """The receiving system, in a process of its own (as another system would be): it answers
    200 and writes "<event id> <arrival time>" a line to a file."""

    def __init__(self, path: str):
        self.path, self.port = path, free_port()
        self.process = multiprocessing.Process(target=_serve, args=(self.port, path), daemon=True)
        self.process.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def arrivals(self) -> tuple[dict[str, float], int]:
        """Each event id's first arrival, and how many arrived again."""
        first, again = {}, 0
        with open(self.path) as lines:
            for line in lines:
                if line.endswith("\n"):
                    event_id, at = line.split()
                    if event_id in first:
                        again += 1
                    else:
                        first[event_id] = float(at)
        return first, again

    def stop(self) -> None:
        self.process.terminate()


def _serve(port: int, path: str) -> None:
    server = _Server(("127.0.0.1", port), _Handler)
    server.out = open(path, "a", buffering=1)  # noqa: SIM115 (the process's lifetime)
    server.lock = threading.Lock()
    server.serve_forever()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        now = time.time()
        with self.server.lock:
            self.server.out.write(f"{body['id']} {now}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def start_worker() -> subprocess.Popen:
    """The Procfile's worker line, on the bench database and this run's queues."""
    from honcho.environ import parse_procfile

    from innexar.celery import app

    command = parse_procfile((ROOT / "Procfile").read_text()).processes["worker"].replace(
        "--loglevel=info", "--loglevel=warning"
    )
    name = f"{QUEUE}@localhost"
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    process = subprocess.Popen(["sh", "-c", f"exec {command} -n {name}"], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")
    return process


def bench_tenant():
    from modules.accounts.signup import tenant_signup

    signup = tenant_signup(
        name="Bench Hooks", subdomain=SUBDOMAIN, plan="enterprise", admin_name="Bench Admin",
        admin_email="admin@benchhooks.example.com", admin_password=PASSWORD,
    )
    return signup.tenant, signup.admin


def run(events: int, rate: float, arrivals_file: str) -> None:
    from django_tenants.utils import tenant_context

    from modules.crm.services import lead_create
    from modules.events.models import Event
    from modules.tenancy.scope import tenant_scope
    from modules.webhooks.models import Delivery
    from modules.webhooks.services import endpoint_create

    print(f"Webhook delivery benchmark: {server_description()}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    tenant, admin = bench_tenant()
    receiver = Receiver(arrivals_file)
    with tenant_context(tenant), tenant_scope(tenant):
        endpoint_create(actor=admin, url=receiver.url, events=["lead.created"], secret="bench-secret-0123456789")
    worker = start_worker()
    try:
        # Warm-up, untimed: the worker's first tasks import the code paths and open connections.
        with tenant_context(tenant), tenant_scope(tenant):
            for n in range(20):
                lead_create(actor=admin, name=f"Warm-up {n}", email=f"warmup{n}@example.com")
        _wait(receiver, 20, 60)
        warm = set(receiver.arrivals()[0])

        started = time.monotonic()
        with tenant_context(tenant), tenant_scope(tenant):
            for n in range(events):
                if rate:
                    time.sleep(max(0.0, started + n / rate - time.monotonic()))
                lead_create(actor=admin, name=f"Lead {n}", email=f"lead{n}@example.com")
        recorded = time.monotonic() - started
        _wait(receiver, events + 20, 300)
        delivered = time.monotonic() - started

        with tenant_context(tenant):
            occurred = {
                str(uuid): at.timestamp()
                for uuid, at in Event.objects.filter(name="lead.created", payload__name__startswith="Lead ")
                .values_list("uuid", "occurred_at")
            }
            tries = list(Delivery.objects.filter(event_id__in=list(occurred)).values_list("attempts", flat=True))
        arrivals, duplicates = receiver.arrivals()
        latencies = sorted(arrivals[uuid] - at for uuid, at in occurred.items() if uuid in arrivals)
        lost = len(occurred) - len(latencies)
        assert not warm & set(occurred)
    finally:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: the worker stops its own processes
        worker.wait(timeout=60)
        receiver.stop()

    print(f"\n{events:,} lead.created events, each in its own transaction, "
          f"{'as fast as the service goes' if not rate else f'paced at {rate:g}/s'}: "
          f"recorded in {recorded:.1f} s ({events / recorded:,.0f}/s), all delivered {delivered:.1f} s after the first")
    print(f"worker: the Procfile's line (prefork, {os.cpu_count()} processes), broker {os.environ['REDIS_URL']}")
    print(f"delivered {len(latencies):,} of {len(occurred):,}: lost {lost}, duplicates {duplicates}, "
          f"tries per delivery {max(tries, default=0)} at most")
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"event-to-delivery: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p90 {quantiles[89] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    if lost or duplicates:
        raise SystemExit("events were lost or delivered twice")


def _wait(receiver: Receiver, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while len(receiver.arrivals()[0]) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0, help="events a second (0: as fast as they are recorded)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL is needed: the worker's broker")
    os.environ["INNEXAR_QUEUE_PREFIX"] = QUEUE  # the worker's queues and the tasks this process sends
    with bench_database("innexar_bench_webhooks"), tempfile.TemporaryDirectory() as folder:
        setup_django(fast_password_hasher=True)
        run(args.events, args.rate, os.path.join(folder, "arrivals.txt"))


if __name__ == "__main__":
    main()
