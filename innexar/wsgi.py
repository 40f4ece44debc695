import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")
application = get_wsgi_application()

# Import every face's views now, not in each web worker's first request (with gunicorn's
# --preload, once, before the workers fork). Nothing here touches the database or the cache, whose
# connections must not be shared across the fork.
for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF, settings.PLATFORM_ADMIN_URLCONF):
    get_resolver(urlconf).url_patterns  # noqa: B018 - loading them is the point
