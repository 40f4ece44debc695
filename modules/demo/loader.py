"""The demo workspace `make run` shows a new user: a company with a team, ready to explore, with
each installed module's demo data (its descriptor's `demo` loader)."""

from django.db import transaction
from django.utils.module_loading import import_string

from modules.accounts.models import Role, User
from modules.accounts.signup import tenant_signup
from modules.tenancy.models import Tenant
from modules.tenancy.scope import tenant_scope
from modules.tenancy.services import company_profile_update
from modules.workspace.registry import installed_modules

DEMO_SUBDOMAIN = "demo"
DEMO_PASSWORD = "Innexar-demo-2026"
DEMO_ADMIN_EMAIL = "admin@demo.innexar.app"
STAFF_EMAIL = "staff@innexar.app"

_TEAM = [
    ("Mariana Costa", "mariana@demo.innexar.app", Role.MANAGER, "pt-br"),
    ("Diego Hernández", "diego@demo.innexar.app", Role.USER, "es"),
    ("Emily Carter", "emily@demo.innexar.app", Role.USER, "en"),
]


@transaction.atomic
def demo_tenant_ensure() -> Tenant:
    """Create the demo tenant once; later runs find it and change nothing.

    All or nothing: a `make run` killed half-way leaves no demo tenant without its data."""
    existing = Tenant.objects.filter(subdomain=DEMO_SUBDOMAIN).first()
    if existing is not None:
        return existing
    signup = tenant_signup(
        name="Northwind Supply Co.", subdomain=DEMO_SUBDOMAIN, plan="enterprise",  # every module to try
        admin_name="Alex Morgan", admin_email=DEMO_ADMIN_EMAIL, admin_password=DEMO_PASSWORD, country="US",
    )
    company_profile_update(actor=signup.admin, tenant=signup.tenant, changes={
        "legal_name": "Northwind Supply Company LLC", "trade_name": "Northwind Supply Co.",
        "tax_id": "04-3456789", "country": "US", "state": "TX", "city": "Austin",
        "address": "500 Congress Ave, Suite 210", "postal_code": "78701", "default_currency": "USD",
        "timezone": "America/Chicago", "language": "en",
    })
    team = [
        User.objects.create_user(email, DEMO_PASSWORD, name=name, tenant=signup.tenant, role=role, language=language)
        for name, email, role, language in _TEAM
    ]
    with tenant_scope(signup.tenant):
        for module in installed_modules():
            if module.demo:
                import_string(module.demo)(actor=signup.admin, team=team)
    return signup.tenant


def staff_user_ensure() -> User:
    """A platform staff account for admin.<base domain>."""
    user = User.objects.filter(email=STAFF_EMAIL).first()
    return user or User.objects.create_superuser(STAFF_EMAIL, DEMO_PASSWORD, name="Innexar Staff")
