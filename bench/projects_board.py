"""A project's Kanban board with 500 tasks (target: the page under 150 ms) and the Gantt data of a
project with 1,000 tasks (target: under 100 ms).

    GET /projects/<id>/                  the board page, signed in (session cookie)
    GET /api/v1/projects/<id>/gantt/     the Gantt bars, with a bearer token

One workspace holds two projects seeded with the ORM's bulk_create: the board's 500 tasks spread
over the four columns, each with a priority, an assignee, a due date and an estimate; the Gantt's
1,000 tasks, half with their own start and due dates, a quarter with only an estimate, each but
the first waiting for the one before it and every tenth for one ten before as well.

Both are requested over HTTP from the Procfile's web process (gunicorn innexar.wsgi --preload,
sync workers), as `make run` starts it. Cold: the first request of a freshly started server (its
worker connects, loads the tenant, the user and the templates); warm: sequential requests after
that. Also printed: the queries one request makes at a tenth of the tasks and at all of them.

    .venv/bin/python bench/projects_board.py [--board-tasks 500] [--gantt-tasks 1000] [--rounds 50]
"""

import argparse
import http.client
import json
import os
import statistics
from datetime import timedelta
from decimal import Decimal

from finance_cashflow import WebProcess, p95
from harness import PASSWORD, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchprojects"
HOST = f"{SUBDOMAIN}.localhost"
BOARD_TARGET, GANTT_TARGET = 0.150, 0.100


def seed_tasks(project, count: int, *, people: list, gantt: bool) -> None:
    from modules.projects.models import Task, TaskPriority, TaskStatus

    statuses, priorities = TaskStatus.values, TaskPriority.values
    start = project.start_date
    tasks = []
    for number in range(count):
        own_dates = gantt and number % 2 == 0
        tasks.append(Task(
            project=project, title=f"Task {number}: {'Design' if number % 3 else 'Build'} the part {number}",
            status=statuses[number % 4], priority=priorities[number % 4], assigned_to_id=people[number % len(people)],
            position=number // 4, start_date=start + timedelta(days=number // 5) if own_dates else None,
            due_date=start + timedelta(days=number // 5 + number % 7) if own_dates or not gantt else None,
            estimated_hours=Decimal(4 + number % 30) if number % 4 != 1 else None,
            actual_hours=Decimal(number % 9),
        ))
    Task.objects.bulk_create(tasks, batch_size=1000)
    if gantt:
        ids = list(Task.objects.filter(project=project).order_by("id").values_list("id", flat=True))
        link = Task.dependencies.through
        links = [link(from_task_id=ids[index], to_task_id=ids[index - 1]) for index in range(1, len(ids))]
        links += [link(from_task_id=ids[index], to_task_id=ids[index - 10]) for index in range(10, len(ids), 10)]
        link.objects.bulk_create(links, batch_size=2000)


def line(label: str, samples: list[float], target: float) -> str:
    median = statistics.median(samples)
    verdict = "met" if median < target else "NOT met"
    return (f"  {label:<6} median {ms(median):>9}, p95 {ms(p95(samples)):>9} over {len(samples)} "
            f"(target < {ms(target)}: {verdict})")


def fetch(port: int, path: str, headers: dict) -> tuple[float, bytes]:
    from time import perf_counter

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = perf_counter()
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    body = response.read()
    elapsed = perf_counter() - started
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
    return elapsed, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--board-tasks", type=int, default=500, help="tasks on the board")
    parser.add_argument("--gantt-tasks", type=int, default=1000, help="tasks on the Gantt chart")
    parser.add_argument("--rounds", type=int, default=50, help="warm requests timed")
    parser.add_argument("--cold-rounds", type=int, default=5, help="fresh servers timed")
    parser.add_argument("--workers", type=int, default=1, help="the web process's gunicorn workers")
    args = parser.parse_args()

    with bench_database("innexar_bench_projects"):
        setup_django(fast_password_hasher=True)
        from datetime import date

        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django_tenants.utils import tenant_context

        from modules.accounts.models import Role, User
        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.projects import services
        from modules.tenancy.scope import tenant_scope

        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        signup = tenant_signup(
            name="Bench Projects", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchprojects.example.com", admin_password=PASSWORD,
        )
        tenant, admin = signup.tenant, signup.admin
        people = [admin.pk] + [
            User.objects.create_user(f"member{n}@benchprojects.example.com", PASSWORD, name=f"Member {n}",
                                     tenant=tenant, role=Role.USER).pk
            for n in range(5)
        ]
        with tenant_context(tenant), tenant_scope(tenant):
            small = services.project_create(actor=admin, name="A tenth", start_date=date(2025, 11, 3))
            board = services.project_create(actor=admin, name="Board", start_date=date(2025, 11, 3))
            gantt = services.project_create(actor=admin, name="Gantt", start_date=date(2025, 11, 3))
            seed_tasks(small, args.board_tasks // 10, people=people, gantt=False)
            seed_tasks(board, args.board_tasks, people=people, gantt=False)
            seed_tasks(gantt, args.gantt_tasks, people=people, gantt=True)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE projects_task")
        connection.set_schema_to_public()

        client = Client(HTTP_HOST=HOST)
        client.force_login(admin)
        session = client.cookies["sessionid"].value
        token = tokens_for_user(admin)["access"]
        page_headers, api_headers = {"Cookie": f"sessionid={session}"}, {"Authorization": f"Bearer {token}"}

        def queries(path: str, **headers) -> int:
            client.get(path, **headers)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path, **headers).status_code == 200
            connection.set_schema_to_public()
            return len(captured)

        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        board_path, gantt_path = f"/projects/{board.pk}/", f"/api/v1/projects/{gantt.pk}/gantt/"
        print(f"board page: {queries(f'/projects/{small.pk}/')} queries with {args.board_tasks // 10} tasks, "
              f"{queries(board_path)} with {args.board_tasks}")
        print(f"gantt data: {queries(f'/api/v1/projects/{small.pk}/gantt/', **bearer)} queries with "
              f"{args.board_tasks // 10} tasks, {queries(gantt_path, **bearer)} with {args.gantt_tasks}")
        connection.close()  # the web process gets the server to itself

        print(f"\nthe Procfile's web process, {args.workers} gunicorn worker(s)")
        results = {board_path: ([], []), gantt_path: ([], [])}
        sizes = {}
        for round_ in range(args.cold_rounds):
            for path, headers in ((board_path, page_headers), (gantt_path, api_headers)):
                server = WebProcess(args.workers)
                try:
                    cold, warm = results[path]
                    elapsed, body = fetch(server.port, path, headers)
                    cold.append(elapsed)
                    sizes[path] = body
                    if round_ == args.cold_rounds - 1:
                        warm += [fetch(server.port, path, headers)[0] for _ in range(args.rounds)]
                finally:
                    server.stop()

        board_body, gantt_body = sizes[board_path], sizes[gantt_path]
        cards, bars = board_body.count(b'class="board-card"'), len(json.loads(gantt_body)["tasks"])
        print(f"GET {board_path}: {args.board_tasks} tasks, {cards} cards drawn, "
              f"{len(board_body) / 1024:,.0f} KiB of HTML")
        print(line("cold", results[board_path][0], BOARD_TARGET))
        print(line("warm", results[board_path][1], BOARD_TARGET))
        print(f"GET {gantt_path}: {args.gantt_tasks} tasks, {bars} bars, "
              f"{len(gantt_body) / 1024:,.0f} KiB of JSON")
        print(line("cold", results[gantt_path][0], GANTT_TARGET))
        print(line("warm", results[gantt_path][1], GANTT_TARGET))


if __name__ == "__main__":
    main()
