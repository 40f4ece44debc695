"""Settings for the benchmarks' gunicorn: the project's, plus bench/default_list_urls.py."""

from innexar.settings import *  # noqa: F403

ROOT_URLCONF = "default_list_urls"
