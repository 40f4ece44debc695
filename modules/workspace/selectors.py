"""Reads the workspace's own pages need beyond one module's: the dashboard's first steps."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import User
from modules.tenancy.models import CompanyProfile, Tenant


@dataclass(frozen=True)
class SetupStep:
    key: str
    title: Promise
    hint: Promise
    url_name: str  # where the step is done
    done: bool


def setup_checklist(*, tenant: Tenant, user: User, has_leads: bool, team_size: int) -> list[SetupStep]:
    """What a new workspace does first, as far as `user` can do it: company details and the team
    are an admin's, leads everyone's. Empty once an admin hid it or every step is done."""
    if tenant.setup_checklist_dismissed_at is not None:
        return []
    steps = []
    if user.is_tenant_admin:
        # The tax ID is checked against the country when saved, so with both filled in the
        # country was chosen on purpose rather than left at its default.
        legal_name, tax_id = CompanyProfile.objects.filter(tenant=tenant).values_list("legal_name", "tax_id").get()
        steps.append(SetupStep(
            "company", _("Fill in your company's details"),
            _("Country, legal name and tax ID: currencies, formats and documents follow them."),
            "workspace:company", bool(legal_name and tax_id),
        ))
    steps.append(SetupStep(
        "leads", _("Add or import your leads"),
        _("Type them in one by one, or import the CSV file your spreadsheet saves."),
        "crm:leads", has_leads,
    ))
    if user.is_tenant_admin:
        steps.append(SetupStep(
            "team", _("Invite your team"),
            _("Each teammate gets an email to choose a password and sign in."),
            "workspace:team", team_size > 1,
        ))
    return [] if all(step.done for step in steps) else steps
