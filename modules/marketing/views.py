"""The marketing site: what Innexar is, what it costs, and signing up."""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from modules.accounts.form_throttling import throttle_wait
from modules.accounts.signup import tenant_signup
from modules.accounts.throttles import SignupThrottle
from modules.core.forms import refuse_unchecked
from modules.core.money import format_money
from modules.tenancy.countries import country_for_language
from modules.tenancy.plans import OFFERS, Feature, Plan, PlanOffer
from modules.workspace.handoff import handoff_token_make
from modules.workspace.navigation import MODULES

from .forms import FindWorkspaceForm, SignupForm


class FeatureLine(NamedTuple):
    label: str
    included: bool  # in this plan
    available: bool  # today; else coming soon (Feature.available, as the gates ask)


@dataclass(frozen=True)
class PlanCard:
    offer: PlanOffer
    price: str
    users: str
    features: list[FeatureLine]  # every feature
    featured: bool


def plan_cards() -> list[PlanCard]:
    return [
        PlanCard(
            offer=offer,
            price=format_money(offer.monthly_price_usd, "USD"),
            users=(
                ngettext("Up to %(count)d user", "Up to %(count)d users", offer.max_users)
                % {"count": offer.max_users}
                if offer.max_users
                else _("Unlimited users")
            ),
            features=[
                FeatureLine(feature.label, feature in offer.features, feature.available) for feature in Feature
            ],
            featured=offer.plan == Plan.PROFESSIONAL,
        )
        for offer in OFFERS.values()
    ]


# What the landing page says of each module, beside the title and icon the workspace shows.
LANDING_PITCHES = {
    Feature.CRM: gettext_lazy(
        "Leads, contacts, a drag-and-drop deal pipeline and activity reminders, so no customer slips through."
    ),
    Feature.FINANCE: gettext_lazy(
        "Payables and receivables, bank accounts, statement import and reconciliation, and a cash-flow forecast."
    ),
    Feature.INVOICING: gettext_lazy(
        "Invoices with NF-e in Brazil and CFDI in Mexico, Stripe payment links, boleto and PIX, and recurring "
        "subscriptions."
    ),
    Feature.INVENTORY: gettext_lazy("Products, stock movements, inventory counts and low-stock alerts."),
    Feature.PROJECTS: gettext_lazy("Kanban boards, time tracking and Gantt charts to deliver on schedule."),
    Feature.INTEGRATIONS: gettext_lazy("QuickBooks, Stripe and WhatsApp, connected in a few clicks."),
    Feature.ANALYTICS: gettext_lazy("Dashboards for sales, finance and projects, with PDF, Excel and CSV reports."),
    Feature.WEBHOOKS: gettext_lazy("Signed webhooks and a REST API so your own systems can react to what happens."),
}


def landing(request):
    modules = [(module, LANDING_PITCHES[module.feature]) for module in MODULES]
    context = {"plans": plan_cards(), "modules": modules, "invoicing_available": Feature.INVOICING.available}
    return render(request, "marketing/landing.html", context)


def pricing(request):
    return render(request, "marketing/pricing.html", {"plans": plan_cards()})


def signup(request):
    initial = {"country": country_for_language(request.LANGUAGE_CODE)}
    if request.GET.get("plan") in OFFERS:
        initial["plan"] = request.GET["plan"]
    form = SignupForm(request.POST or None, initial=initial)
    # Every attempt counts, refused ones too: the form says whether an address has an account,
    # and must not say it at the speed of a script.
    wait = throttle_wait(request, SignupThrottle) if request.method == "POST" else None
    if wait is not None:
        message = ngettext(
            "Too many sign-ups from your network. Try again in %(seconds)d second.",
            "Too many sign-ups from your network. Try again in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
        refuse_unchecked(form, message)
        return render(request, "marketing/signup.html", {"form": form}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signup = tenant_signup(
                name=data["name"],
                subdomain=data["subdomain"],
                plan=data["plan"],
                admin_name=data["admin_name"],
                admin_email=data["email"],
                admin_password=data["password"],
                language=request.LANGUAGE_CODE,
                country=data["country"] or None,
            )
        except ValidationError as error:
            form.add_signup_error(error)
        else:
            # Sessions are per host: the new workspace signs its admin in from a one-time token.
            token = handoff_token_make(signup.admin)
            return redirect(signup.tenant.workspace_url("/auth/handoff/?" + urlencode({"token": token})))
    status = 422 if form.errors else 200
    return render(request, "marketing/signup.html", {"form": form}, status=status)


def find_workspace(request):
    """Returning customers type their workspace address and land on its sign-in page."""
    form = FindWorkspaceForm(request.GET or None)
    if form.is_valid():
        return redirect(form.tenant.workspace_url("/accounts/login/"))
    status = 422 if form.errors else 200
    return render(request, "marketing/find_workspace.html", {"form": form}, status=status)
