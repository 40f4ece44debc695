"""A business module is registered once, by the descriptor in its apps.py: its pages (each behind
its plan gate), API routes (each with the plan gate), sidebar entry, beat entries and OpenAPI
enum names all come from there."""

from dataclasses import replace
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils.module_loading import import_string
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from innexar.celery import app
from modules.tenancy.permissions import PlanFeature
from modules.tenancy.plans import Feature
from modules.workspace.navigation import MODULES, WorkspaceModule
from modules.workspace.registry import api_routes, beat_schedule, enum_names, installed_modules

CRM = apps.get_app_config("crm").descriptor


def _views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _namespace(patterns, namespace: str, prefix=""):
    """The URL prefix and patterns included under `namespace`, however deep."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == namespace:
                return prefix + str(pattern.pattern), pattern.url_patterns
            found = _namespace(pattern.url_patterns, namespace, prefix + str(pattern.pattern))
            if found:
                return found
    return None


def module_pages(module) -> list:
    """(route, view) of every page mounted under the module's namespace."""
    prefix, patterns = _namespace(get_resolver(settings.ROOT_URLCONF).url_patterns, module.key)
    return list(_views(patterns, prefix))


def api_views(module) -> list:
    """(name, view) of every API URL made from the module's routes: lists, details, actions."""
    _, patterns = _namespace(get_resolver(settings.ROOT_URLCONF).url_patterns, "api")
    prefixes = tuple(f"{route.basename}-" for route in module.api_routes)
    return [(pattern.name, pattern.callback) for pattern in _flatten(patterns) if pattern.name.startswith(prefixes)]


def _flatten(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _flatten(pattern.url_patterns)
        else:
            yield pattern


def gates_of(callback) -> list[Feature]:
    """The plan features a DRF view's permissions require, for each method it answers."""
    features = []
    for method, action in callback.actions.items():
        view = callback.cls(**callback.initkwargs)
        view.action_map, view.action = callback.actions, action
        view.request = Request(getattr(APIRequestFactory(), method)("/"))
        features += [permission.feature for permission in view.get_permissions() if isinstance(permission, PlanFeature)]
    return features


@pytest.mark.parametrize("module", installed_modules(), ids=lambda module: module.key)
def test_every_page_of_a_module_is_behind_its_plan_gate(module):
    pages = module_pages(module)

    assert len(pages) >= 1
    gates = {route: getattr(view, "plan_gate", None) for route, view in pages}
    assert gates == {route: module.key for route, _ in pages}


def least_views(route) -> int:
    """A list and a detail route each, and actions; a report that is only read whole (finance's
    cash flow) has no record to open: its list is its one view."""
    return 2 if hasattr(import_string(route.viewset), "retrieve") else 1


@pytest.mark.parametrize("module", installed_modules(), ids=lambda module: module.key)
def test_every_api_route_of_a_module_requires_its_plan_feature(module):
    views = api_views(module)

    assert len(views) >= sum(least_views(route) for route in module.api_routes)
    for route, callback in views:
        features = gates_of(callback)
        assert features and set(features) == {module.feature}, route


def test_the_crm_is_registered_by_its_descriptor():
    assert [module.key for module in installed_modules()][:1] == ["crm"]
    assert WorkspaceModule.of(CRM) in MODULES
    assert next(module for module in MODULES if module.key == "crm").url_name == "crm:home"
    assert [route.prefix for route in api_routes()][:4] == ["crm/leads", "crm/contacts", "crm/deals", "crm/activities"]
    assert module_pages(CRM)[0][0] == "crm/"
    app.finalize()
    assert app.conf.beat_schedule["refresh-lead-scores"]["task"] == "crm.lead_scores_refresh_all"
    assert settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["DealStageEnum"] == "modules.crm.models.Stage"


def test_what_a_descriptor_leaves_out_is_not_registered():
    bare = replace(CRM, api_routes=(), beat={}, enum_names={})

    assert api_routes([bare]) == []
    assert beat_schedule([bare]) == {}
    assert enum_names([bare]) == {}
    assert beat_schedule([CRM]) == CRM.beat


@pytest.mark.parametrize(
    "module", [module for module in installed_modules() if module.public_urls], ids=lambda module: module.key
)
def test_a_modules_public_pages_are_at_the_hosts_root_with_no_gate(module):
    """A customer's pay page opens without signing in, whatever the visitor's plan (a signed link decides)."""
    namespace = import_module(module.public_urls).app_name
    prefix, patterns = _namespace(get_resolver(settings.ROOT_URLCONF).url_patterns, namespace)
    pages = list(_views(patterns, prefix))

    assert pages and namespace != module.key
    for route, view in pages:
        assert not route.startswith(f"{module.key}/"), route
        assert getattr(view, "plan_gate", None) is None, route
