"""Browser tests: the site runs as a real server process on the pytest database.

Not pytest-django's live_server, whose flush would wipe the session's tenants: what the server
writes commits as it does in production, and each test removes what it made.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from modules.accounts.models import User
from tests.conftest import CHROMIUM, PASSWORD, database_url

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
        # No broker: the server runs its tasks in-process (an import finishes while the page
        # polls), as no worker listens for this server's queue; the cache stays shared.
        **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "CELERY_BROKER_URL")},
        "REDIS_CACHE_URL": os.environ.get("REDIS_CACHE_URL") or os.environ.get("REDIS_URL", ""),
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


@contextmanager
def chromium() -> Iterator:
    """The machine's Chromium (Playwright cannot download its own here). Leave the block before
    reading the database in a test: Django refuses queries while Playwright's event loop runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def user_who_signs_in(email: str, *, name: str, superuser: bool = False, **fields) -> User:
    """A user for the login form: the server keeps the production hashers, and the tests' fast
    MD5 one would not sign in there."""
    if superuser:
        user = User.objects.create_superuser(email, None, name=name, **fields)
    else:
        user = User.objects.create_user(email, None, name=name, **fields)
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    return user


def sign_in(page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
