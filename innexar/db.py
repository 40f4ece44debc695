"""Database configuration: DATABASE_URL when given, otherwise the embedded PostgreSQL.

The embedded server (innexar/embedded.py) keeps its data under `.data/pgdata` and listens on a
Unix socket there, so a fresh machine needs no database setup. The first process that needs it
starts it; the last one to finish stops it.
"""

import dj_database_url

from .embedded import EmbeddedPostgres
from .env import env_str

embedded_postgres = EmbeddedPostgres()


def embedded_database_url() -> str:
    """Start the embedded server if needed; this process counts as its user until it exits."""
    return embedded_postgres.use()


def database_config() -> dict:
    url = env_str("DATABASE_URL") or embedded_database_url()
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    # `?host=/socket/dir` (the embedded server) is the connection's host, not an extra option.
    if "host" in config.get("OPTIONS", {}):
        config["HOST"] = config["OPTIONS"].pop("host")
    # django-tenants switches search_path per request; its backend wraps Django's.
    config["ENGINE"] = "django_tenants.postgresql_backend"
    return config
