"""Database configuration: DATABASE_URL when given, otherwise an embedded PostgreSQL.

The embedded server (the `pgserver` package) keeps its data under `.data/pgdata` and listens on
a Unix socket there, so a fresh machine needs no database setup. It outlives the process that
started it; the next process finds it running and reuses it.
"""

from pathlib import Path

import dj_database_url

from .env import env_str

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DATA_DIR = BASE_DIR / ".data" / "pgdata"
EMBEDDED_DATABASE_NAME = "innexar"


def embedded_database_url() -> str:
    import warnings

    with warnings.catch_warnings():
        # pgserver asks for a runtime dir it does not need when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        import pgserver

    EMBEDDED_DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(EMBEDDED_DATA_DIR, cleanup_mode=None)
    # A constant name, not user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE_NAME};")
    return f"postgresql://postgres:@/{EMBEDDED_DATABASE_NAME}?host={EMBEDDED_DATA_DIR}"


def database_config() -> dict:
    url = env_str("DATABASE_URL") or embedded_database_url()
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    # `?host=/socket/dir` (the embedded server) is the connection's host, not an extra option.
    if "host" in config.get("OPTIONS", {}):
        config["HOST"] = config["OPTIONS"].pop("host")
    # django-tenants switches search_path per request; its backend wraps Django's.
    config["ENGINE"] = "django_tenants.postgresql_backend"
    return config
