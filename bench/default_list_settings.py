"""Settings for bench/crm_leads_list.py's gunicorn: the project's, plus the DRF-default lead list."""

from innexar.settings import *  # noqa: F403

ROOT_URLCONF = "default_list_urls"
