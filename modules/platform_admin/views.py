"""The platform admin panel (admin.innexar.app): staff only."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_tables2 import RequestConfig

from modules.accounts.form_throttling import throttle_wait
from modules.accounts.throttles import LoginAccountThrottle, LoginAddressThrottle
from modules.core.forms import refuse_unchecked
from modules.tenancy import services as tenancy_services

from .forms import StaffSignInForm, TenantFilterForm, TenantStatusForm
from .selectors import tenant_list
from .tables import TenantTable


def staff_required(view):
    """Anyone but platform staff goes to the staff sign-in page.

    A tenant user's session never gets this far: TenantMembershipMiddleware ends it on this host.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse_lazy("platform_admin:login"))
        return view(request, *args, **kwargs)

    return wrapper


class LoginView(auth_views.LoginView):
    """Staff sign-in, under the same per-address and per-account limits as the API's login."""

    template_name = "platform_admin/login.html"
    authentication_form = StaffSignInForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("platform_admin:tenants")

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(request, LoginAddressThrottle, LoginAccountThrottle)
        if wait is not None:
            form = self.get_form()
            message = ngettext(
                "Too many sign-in attempts. Try again in %(seconds)d second.",
                "Too many sign-in attempts. Try again in %(seconds)d seconds.",
                wait,
            ) % {"seconds": wait}
            refuse_unchecked(form, message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("platform_admin:login")


@staff_required
@vary_on_headers("HX-Request")
def tenants(request):
    filters = TenantFilterForm(request.GET)
    filters.is_valid()  # an unknown plan is dropped, not an error page
    criteria = filters.cleaned_data
    table = TenantTable(tenant_list(search=criteria.get("q", ""), plan=criteria.get("plan", "")))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    # A history restore wants the whole page back, not the fragment.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "platform_admin/tenants.html#table" if partial else "platform_admin/tenants.html"
    return render(request, template, {"table": table, "filters": filters})


@staff_required
@require_POST
def tenant_status(request, pk: int):
    """Suspend or reactivate a tenant; htmx gets its row back, redrawn."""
    # Only what the table lists (never the platform's own tenant), with the row's user count.
    tenant = get_object_or_404(tenant_list(), pk=pk)
    form = TenantStatusForm(request.POST)
    if not form.is_valid():
        raise BadRequest  # only a hand-made request sends anything but the buttons' values
    active = form.cleaned_data["active"]
    tenancy_services.tenant_set_active(actor=request.user, tenant=tenant, active=active)
    if not request.htmx:
        done = _("%(company)s was reactivated.") if active else _("%(company)s was suspended.")
        messages.success(request, done % {"company": tenant.name})
        return redirect("platform_admin:tenants")
    table = TenantTable(tenant_list().filter(pk=tenant.pk))
    RequestConfig(request, paginate=False).configure(table)
    return render(request, "layouts/partials/_table_row.html", {"row": table.rows[0]})
