"""The business modules installed in this project, each described once in its own `apps.py`.

A module's AppConfig carries a `ModuleDescriptor` as `descriptor`; everything outside the module that
needs to know it exists (the API router, the workspace URLs behind the plan gate, the sidebar,
Celery beat, the OpenAPI enum names, the demo workspace) reads it from `installed_modules()`.
So a new module is its folder plus its line in `TENANT_APPS` (docs/modules.md).

This file is imported by the modules' `apps.py` while Django loads the apps: it imports no
models, and everything it names in other modules is a dotted path, imported when used.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from modules.tenancy.plans import Feature


@dataclass(frozen=True)
class SidebarEntry:
    title: Promise
    icon: str  # a heroicons outline name, drawn with {% heroicon_outline module.icon %}
    summary: Promise
    promises: tuple[Promise, ...]  # what it does, on its "coming soon" and pricing cards


@dataclass(frozen=True)
class ApiRoute:
    prefix: str  # under /api/v1/, e.g. "crm/leads"
    viewset: str  # dotted path; its permissions must include the module's plan gate
    basename: str


@dataclass(frozen=True)
class SettingsPage:
    """A module's page among the workspace settings' tabs (Stripe's keys, the PIX set-up)."""

    title: Promise
    url_name: str  # under the module's namespace, e.g. "invoicing:stripe_settings"
    managers_only: bool = True  # shown to admins and managers only (the page refuses the others itself)


@dataclass(frozen=True)
class ModuleDescriptor:
    key: str  # the app label, the plan feature's value and the pages' path segment and namespace
    feature: Feature
    sidebar: SidebarEntry
    urls: str  # dotted path of the pages' urlconf, mounted at /<key>/ behind the plan gate
    # Pages for people who are not members (a customer's pay page), mounted at the workspace
    # host's root under the urlconf's own app_name, with no sign-in and no plan gate: each view
    # checks what it is given (a signed link).
    public_urls: str | None = None
    settings_pages: tuple[SettingsPage, ...] = ()
    api_routes: tuple[ApiRoute, ...] = ()
    beat: dict[str, dict] = field(default_factory=dict)  # Celery beat entries, by name
    # `loader(*, actor, team)`, run inside the demo workspace's schema by `load_demo`.
    demo: str | None = None
    # OpenAPI component name → dotted path of the choices it names (SPECTACULAR ENUM_NAME_OVERRIDES).
    enum_names: dict[str, str] = field(default_factory=dict)
    # `figures(*, user)` for the dashboard's panel of this module.
    dashboard: str | None = None


def installed_modules() -> list[ModuleDescriptor]:
    """Every installed app's descriptor, in the order of the plans' features."""
    found = []
    for config in apps.get_app_configs():
        module = getattr(config, "descriptor", None)
        if module is None:
            continue
        # Feature.available asks whether an app with the feature's label is installed.
        if not module.key == module.feature.value == config.label:
            raise ImproperlyConfigured(
                f"{config.name}: a module's key, plan feature and app label are one name "
                f"({module.key!r}, {module.feature.value!r}, {config.label!r})."
            )
        found.append(module)
    order = list(Feature)
    return sorted(found, key=lambda module: order.index(module.feature))


def installed_module(key: str) -> ModuleDescriptor | None:
    return next((module for module in installed_modules() if module.key == key), None)


# What the project builds from the descriptors; each takes the modules (default: the installed ones).

def api_routes(modules: list[ModuleDescriptor] | None = None) -> list[ApiRoute]:
    return [route for module in _or_installed(modules) for route in module.api_routes]


def beat_schedule(modules: list[ModuleDescriptor] | None = None) -> dict[str, dict]:
    return {name: entry for module in _or_installed(modules) for name, entry in module.beat.items()}


def enum_names(modules: list[ModuleDescriptor] | None = None) -> dict[str, str]:
    return {name: choices for module in _or_installed(modules) for name, choices in module.enum_names.items()}


def _or_installed(modules: list[ModuleDescriptor] | None) -> list[ModuleDescriptor]:
    return installed_modules() if modules is None else modules
