from django import template

from ..navigation import available_module_titles, module_entries
from ..registry import installed_modules

register = template.Library()


@register.inclusion_tag("workspace/partials/_sidebar.html", takes_context=True)
def workspace_sidebar(context):
    request = context["request"]
    match = request.resolver_match
    return {
        "request": request,
        "user": context["user"],
        "current_tenant": context["current_tenant"],
        "entries": module_entries(request.tenant.plan),
        # A module with pages of its own (its namespace) is current on every one of them.
        "current": (match.url_name if match.namespace == "workspace" else match.namespace) if match else None,
    }


@register.simple_tag
def available_modules(plan: str) -> str:
    """`{% available_modules tenant.plan %}`: "CRM and Finance", what the plan gives today, in
    the language being rendered (mails render in the recipient's)."""
    return available_module_titles(plan)


@register.simple_tag(takes_context=True)
def module_settings_pages(context) -> list:
    """`{% module_settings_pages as pages %}`: the settings tabs the installed modules add, for
    the signed-in user's role and the workspace's plan."""
    request = context["request"]
    included = {entry.module.key for entry in module_entries(request.tenant.plan) if entry.included}
    manager = request.user.is_tenant_manager
    return [
        page
        for module in installed_modules() if module.key in included
        for page in module.settings_pages if manager or not page.managers_only
    ]
