from django import template

from ..navigation import available_module_titles, module_entries

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
