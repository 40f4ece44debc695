"""Workspace pages (<subdomain>.innexar.app): access → form → service → render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from modules.accounts import services as accounts_services
from modules.accounts.form_throttling import throttle_wait
from modules.accounts.models import Role, User
from modules.accounts.throttles import LoginAddressThrottle, PasswordResetThrottle
from modules.core.exceptions import DomainError
from modules.core.forms import add_service_error
from modules.core.money import format_money
from modules.tenancy import services as tenancy_services
from modules.tenancy.models import CompanyProfile
from modules.tenancy.plans import OFFERS, Feature

from . import pages
from .forms import (
    CompanyProfileForm,
    InvitationAcceptForm,
    InviteForm,
    MemberForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    ProfileForm,
)
from .handoff import handoff_user
from .navigation import module_entries
from .registry import installed_module
from .selectors import setup_checklist
from .tables import TeamTable

BACKEND = "modules.accounts.backends.TenantEmailBackend"


def _active_language(request) -> str:
    """The language the page is shown in (the switcher's cookie, else the user's), as one of
    settings.LANGUAGES: what a language field starts at, so that saving it changes nothing."""
    try:
        return translation.get_supported_language_variant(request.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


# --- Signing in --------------------------------------------------------------------------------


@never_cache
def handoff(request):
    """Exchange the marketing site's one-time token for a session on this host."""
    user = handoff_user(token=request.GET.get("token", ""), tenant=request.tenant)
    if user is None:
        messages.error(request, _("This sign-in link has expired or was already used. Please sign in."))
        return redirect("account_login")
    login(request, user, backend=BACKEND)
    return redirect("workspace:dashboard")


def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if form.is_valid():
        wait = throttle_wait(request, LoginAddressThrottle, PasswordResetThrottle)
        if wait is not None:
            form.add_error(
                None, ngettext(
                    "Too many requests. Try again in %(seconds)d second.",
                    "Too many requests. Try again in %(seconds)d seconds.",
                    wait,
                ) % {"seconds": wait}
            )
            return render(request, "workspace/auth/password_reset.html", {"form": form}, status=429)
        accounts_services.password_reset_request(email=form.cleaned_data["email"])
        # The same answer whether or not the address has an account: nobody learns who does.
        return redirect("workspace:password_reset_sent")
    return render(request, "workspace/auth/password_reset.html", {"form": form}, status=pages.status(form))


def password_reset_sent(request):
    return render(request, "workspace/auth/password_reset_sent.html")


@never_cache
def password_reset_confirm(request, uidb64: str, token: str):
    """The page the emailed link opens: /password/reset/<uid>/<token>/."""
    template = "workspace/auth/password_reset_confirm.html"
    try:
        user = accounts_services.user_from_reset_link(uid=uidb64, token=token)
    except DomainError:
        user = None
    # A link is only good on its own workspace's host.
    if user is None or user.tenant_id != request.tenant.pk:
        return render(request, template, {"invalid": True}, status=400)

    form = PasswordResetConfirmForm(request.POST or None)
    if form.is_valid():
        try:
            accounts_services.password_reset_confirm(
                uid=uidb64, token=token, new_password=form.cleaned_data["new_password1"]
            )
        except DomainError:
            return render(request, template, {"invalid": True}, status=400)
        except ValidationError as error:
            form.add_error("new_password1", error.message_dict["new_password"])
        else:
            messages.success(request, _("Your password was changed. Sign in with your new password."))
            return redirect("account_login")
    return render(request, template, {"form": form, "reset_user": user}, status=pages.status(form))


@never_cache
def invitation_accept(request, uidb64: str, token: str):
    """The page the invitation mail opens: choose a password and go straight to the workspace."""
    template = "workspace/auth/invitation.html"
    try:
        invitee = accounts_services.user_from_invitation_link(uid=uidb64, token=token, tenant=request.tenant)
    except DomainError:
        return render(request, template, {"invalid": True}, status=400)
    # The language the mail was written in, unless they picked one on the page.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(invitee.language)
        request.LANGUAGE_CODE = translation.get_language()

    form = InvitationAcceptForm(request.POST or None)
    if form.is_valid():
        try:
            invitee = accounts_services.invitation_accept(
                uid=uidb64, token=token, tenant=request.tenant, password=form.cleaned_data["new_password1"]
            )
        except DomainError:
            return render(request, template, {"invalid": True}, status=400)
        except ValidationError as error:
            form.add_error("new_password1", error.message_dict["password"])
        else:
            login(request, invitee, backend=BACKEND)
            messages.success(request, _("Welcome to %(company)s!") % {"company": request.tenant.name})
            return redirect("workspace:dashboard")
    context = {"form": form, "invitee": invitee, "company": request.tenant.name}
    return render(request, template, context, status=pages.status(form))


# --- Pages -------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    tenant = request.tenant
    entries = module_entries(tenant.plan)
    team_size = User.objects.filter(tenant=tenant, is_active=True).count()
    panels = _module_figures(entries, request.user)
    # The CRM's figures are drawn by the page itself: its leads also tick a first step.
    figures = panels.pop(Feature.CRM, None)
    context = {
        "entries": entries,
        "offer": OFFERS[tenant.plan],
        "team_size": team_size,
        "figures": figures,
        "open_pipeline": [format_money(total, currency) for currency, total in figures.open_pipeline.items()]
        if figures else [],
        "checklist": setup_checklist(
            tenant=tenant, user=request.user, has_leads=bool(figures and figures.leads), team_size=team_size
        ),
        # Every other module's panel: its own template, given its figures.
        "module_panels": [(f"{key}/partials/_dashboard.html", panel) for key, panel in panels.items()],
    }
    return render(request, "workspace/dashboard.html", context)


def _module_figures(entries, user) -> dict:
    """The dashboard figures (the descriptor's `dashboard`) of each module the plan includes, by key."""
    figures = {}
    for entry in entries:
        module = installed_module(entry.module.key) if entry.included else None
        if module is not None and module.dashboard:
            figures[module.key] = import_string(module.dashboard)(user=user)
    return figures


@login_required
@require_POST
def setup_checklist_dismiss(request):
    tenancy_services.tenant_setup_checklist_dismiss(actor=request.user, tenant=request.tenant)
    return redirect("workspace:dashboard")


@login_required
def module_home(request, key: str):
    """The module's home while it is being built: what it will do, or which plan includes it."""
    entry = next(entry for entry in module_entries(request.tenant.plan) if entry.module.key == key)
    if not entry.included:
        return pages.plan_required(request, entry)
    return render(request, "workspace/module_home.html", {"module": entry.module})


@login_required
def profile(request):
    user = request.user
    # The field starts at the language in use, which the switcher may have changed: saving
    # the form as it comes keeps the page in that language (and makes it the profile's).
    form = ProfileForm(request.POST or None, initial={"name": user.name, "language": _active_language(request)})
    if form.is_valid():
        user = accounts_services.user_update_profile(user=user, **form.cleaned_data)
        with translation.override(user.language):
            messages.success(request, _("Your profile was saved."))
        response = redirect("workspace:profile")
        if "language" not in form.changed_data:
            return response
        # The cookie outranks the profile's language, so it must follow the change to apply now.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "workspace/profile.html", {"form": form}, status=pages.status(form))


@login_required
def company(request):
    """Everyone sees the company profile; only admins change it."""
    profile = CompanyProfile.objects.get(tenant=request.tenant)
    can_edit = request.user.is_tenant_admin
    saved = False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.htmx and request.htmx.trigger_name == "country":
            # Another country chosen, not saved yet: the form again, as typed, with what applies there.
            form = CompanyProfileForm(instance=profile, initial=request.POST.dict())
        else:
            form = CompanyProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_bound and form.is_valid():
            try:
                profile = tenancy_services.company_profile_update(
                    actor=request.user, tenant=request.tenant, changes=form.changes(),
                    follow_country=form.follow_country(),
                )
            except ValidationError as error:
                form.add_error(None, error)  # its dict names the fields: errors show beside them
            else:
                if not request.htmx:
                    messages.success(request, _("Company settings saved."))
                    return redirect("workspace:company")
                form, saved = CompanyProfileForm(instance=profile), True
    else:
        form = CompanyProfileForm(instance=profile, read_only=not can_edit)
    template = "workspace/company.html#company-form" if request.htmx else "workspace/company.html"
    context = {"form": form, "profile": profile, "can_edit": can_edit, "saved": saved}
    return render(request, template, context, status=pages.status(form))


# --- Team --------------------------------------------------------------------------------------
# Admins change the team, managers look at it. The rules (one active admin at least, nobody
# deactivates themself) live in accounts.services, which the API's /users/ calls as well.


@login_required
def team(request):
    if request.user.role not in (Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only admins and managers can see the team."))
    return _team_page(request)


@login_required
@require_POST
def team_invite(request):
    _require_team_admin(request)
    form = InviteForm(request.POST)
    invited = None
    status = None
    if form.is_valid():
        try:
            invited = accounts_services.user_invite(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        except PermissionDenied as refusal:  # every seat of the plan is taken: the API says 403 too
            form.add_error(None, str(refusal))
            status = 403
        else:
            if not request.htmx:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invited.email})
                return redirect("workspace:team")
            form = None  # a blank form for the next one
    return _team_page(request, invite_form=form, invited=invited, partial=bool(request.htmx), status=status)


@login_required
@require_POST
def team_member(request, pk: int):
    """Change one teammate's role or status; htmx gets their row back, redrawn."""
    _require_team_admin(request)
    member = _teammate(request, pk)
    form = MemberForm(request.POST)
    status = None
    if form.is_valid():
        try:
            member = accounts_services.member_update(actor=request.user, user=member, **form.changes())
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)  # it rolled back: `member` is still what the database holds
        except PermissionDenied as refusal:  # reactivating past the plan's seats
            form.add_error(None, str(refusal))
            status = 403
    errors = {member.pk: [error for field_errors in form.errors.values() for error in field_errors]}
    if not request.htmx:
        if not form.errors:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": member.name})
            return redirect("workspace:team")
        return _team_page(request, member_errors=errors, status=status)
    saved = frozenset() if form.errors else frozenset([member.pk])
    table = TeamTable([member], can_manage=True, member_errors=errors, saved=saved)
    RequestConfig(request, paginate=False).configure(table)
    context = {"row": table.rows[0]}
    return render(request, "workspace/partials/_member_row.html", context, status=status or pages.status(form))


def _require_team_admin(request) -> None:
    if not request.user.is_tenant_admin:
        raise PermissionDenied(_("Only admins can change the team."))


def _teammate(request, pk: int) -> User:
    # Only the actor's own tenant is searched: another tenant's teammate is simply not found.
    return get_object_or_404(User.objects.filter(tenant=request.user.tenant), pk=pk)


def _team_page(
    request, *, invite_form: InviteForm | None = None, invited: User | None = None,
    member_errors: dict[int, list[str]] | None = None, partial: bool = False, status: int | None = None,
) -> HttpResponse:
    can_manage = request.user.is_tenant_admin
    table = TeamTable(
        User.objects.filter(tenant=request.user.tenant), can_manage=can_manage, member_errors=member_errors
    )
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if can_manage and invite_form is None:
        # The invitee hears from the admin in the language the admin is using, unless they pick another.
        invite_form = InviteForm(initial={"language": _active_language(request)})
    refused = bool(member_errors and any(member_errors.values())) or bool(invite_form and invite_form.errors)
    template = "workspace/team.html#team-panel" if partial else "workspace/team.html"
    context = {"table": table, "can_manage": can_manage, "invite_form": invite_form, "invited": invited}
    return render(request, template, context, status=status or (422 if refused else 200))
