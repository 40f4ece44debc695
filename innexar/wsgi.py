import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")
application = get_wsgi_application()

# Import every face's views now, not in each web worker's first request (with gunicorn's
# --preload, once, before the workers fork). Nothing here touches the database or the cache, whose
# connections must not be shared across the fork.
for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF, settings.PLATFORM_ADMIN_URLCONF):
    get_resolver(urlconf).url_patterns  # noqa: B018 - loading them is the point
    # reverse() reads a table built on its first call, once per language.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            get_resolver(urlconf).reverse_dict  # noqa: B018

# The same for what every workspace page draws: the sidebar's icons (heroicons reads its zip file
# again for each icon it has not drawn yet, ~25 ms each) and the layouts' compiled templates.
from django.template.loader import get_template  # noqa: E402
from heroicons.templatetags.heroicons import heroicon_outline  # noqa: E402

from modules.workspace.navigation import MODULES  # noqa: E402

LAYOUT_ICONS = {"bars-3", "check-circle", "cog-6-tooth", "home", "lock-closed", "users"}
for icon in LAYOUT_ICONS | {module.icon for module in MODULES}:
    heroicon_outline(icon)
for template in ("layouts/workspace.html", "layouts/partials/_board.html", "layouts/partials/_table.html"):
    get_template(template)
