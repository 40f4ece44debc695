"""QuickBooks Online for a workspace: connect (OAuth 2 with a signed state bound to the workspace
and the person), keep the tokens fresh (under the connection's row lock, saving the rotated
refresh token every time), sync customers, invoices and vendors both ways without ever creating
a twin twice, and disconnect (revoking the tokens at Intuit)."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.accounts.models import User
from modules.core.exceptions import DomainError
from modules.core.signing import tenant_token, tenant_token_payload
from modules.crm.models import Contact
from modules.crm.services import contact_create
from modules.events.services import event_record
from modules.finance.models import Account, AccountType
from modules.invoicing.models import Invoice, InvoiceStatus
from modules.tenancy.plans import Feature, plan_includes
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import quickbooks
from .models import LinkKind, QuickBooksConnection, QuickBooksLink, SyncStatus

logger = logging.getLogger(__name__)

STATE_PURPOSE = "integrations.quickbooks.state"
# An access token lives an hour: one this close to its end is refreshed before it is used.
REFRESH_MARGIN = timedelta(minutes=5)
PUSHED_INVOICE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE, InvoiceStatus.PAID)


def _not_connected() -> DomainError:
    return DomainError(_("QuickBooks is not connected."), code="not_connected")


def quickbooks_connection_get() -> QuickBooksConnection | None:
    return QuickBooksConnection.objects.first()


# --- Connecting ----------------------------------------------------------------------------------


def quickbooks_authorization_url(*, actor: User, redirect_uri: str) -> str:
    """Intuit's consent page, with a state only this workspace and this person can bring back."""
    state = tenant_token({"user": actor.pk}, purpose=STATE_PURPOSE, tenant_id=actor.tenant_id)
    try:
        return quickbooks.authorization_url(redirect_uri=redirect_uri, state=state)
    except quickbooks.QuickBooksError:
        message = _("QuickBooks could not be reached. Try again in a few minutes.")
        raise DomainError(message, code="unreachable") from None


def quickbooks_state_user(*, tenant, state: str) -> User:
    """The person who asked to connect, if `state` is genuine, recent and made on this workspace."""
    payload = tenant_token_payload(
        state, purpose=STATE_PURPOSE, tenant_id=tenant.pk, max_age=settings.QUICKBOOKS_STATE_SECONDS
    )
    user = None
    if payload is not None:
        user = User.objects.filter(pk=payload.get("user"), tenant_id=tenant.pk, is_active=True).first()
    if user is None or not user.is_tenant_manager or not plan_includes(tenant.plan, Feature.INTEGRATIONS):
        raise DomainError(
            _("This QuickBooks authorization is not valid for this workspace, or it has expired. Connect again."),
            field="state", code="invalid_state",
        )
    return user


@transaction.atomic
def quickbooks_connect(*, tenant, state: str, code: str, realm_id: str, redirect_uri: str) -> QuickBooksConnection:
    """Exchange Intuit's code for tokens and keep them (encrypted); connecting again replaces them."""
    actor = quickbooks_state_user(tenant=tenant, state=state)
    if not code or not realm_id:
        raise DomainError(_("QuickBooks did not send the authorization code."), field="code", code="no_code")
    try:
        tokens = quickbooks.code_exchange(code=code, realm_id=realm_id, redirect_uri=redirect_uri)
    except quickbooks.QuickBooksError:
        raise DomainError(_("QuickBooks refused the authorization. Connect again."), field="code") from None
    QuickBooksConnection.objects.select_for_update().all().delete()
    kept = QuickBooksConnection.objects.create(
        realm_id=realm_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token,
        access_expires_at=tokens.access_expires_at, connected_by=actor,
    )
    event_record(name="integration.connected", payload={"id": kept.pk, "provider": "quickbooks"}, actor=actor)
    return kept


@transaction.atomic
def quickbooks_disconnect(*, actor: User) -> None:
    """Revoke the tokens at Intuit and forget them; what Intuit answers does not keep them here."""
    kept = QuickBooksConnection.objects.select_for_update().first()
    if kept is None:
        return
    try:
        quickbooks.token_revoke(kept.refresh_token)
    except quickbooks.QuickBooksError:
        logger.warning("QuickBooks revoke failed; the tokens are forgotten anyway")
    event_record(name="integration.disconnected", payload={"id": kept.pk, "provider": "quickbooks"}, actor=actor)
    kept.delete()


# --- Tokens --------------------------------------------------------------------------------------


def quickbooks_access_token(*, refused: str | None = None) -> tuple[str, str]:
    """(realm id, an access token to use). Refreshed under the connection's row lock when it is
    about to expire, or when `refused` (a token QuickBooks just answered 401 to) is still the one
    kept: two workers refreshing at once would otherwise spend the same refresh token twice, and
    Intuit's rotation would leave one of them holding a dead one. A refresh token Intuit refuses
    (invalid_grant) marks the connection inactive and raises `quickbooks.Reconnect`."""
    with transaction.atomic():
        kept = QuickBooksConnection.objects.select_for_update().filter(active=True).first()
        if kept is None:
            raise _not_connected()
        stale = kept.access_expires_at <= timezone.now() + REFRESH_MARGIN or kept.access_token == refused
        if not stale:
            return kept.realm_id, kept.access_token
        try:
            tokens = quickbooks.tokens_refresh(kept.refresh_token)
        except quickbooks.Reconnect:
            kept.active, kept.sync_status = False, SyncStatus.FAILED
            kept.sync_error = _("QuickBooks no longer accepts this connection. Connect again.")
            kept.save(update_fields=["active", "sync_status", "sync_error"])
            refused_for_good = True
        else:
            refused_for_good = False
            kept.access_token, kept.refresh_token = tokens.access_token, tokens.refresh_token
            kept.access_expires_at = tokens.access_expires_at
            kept.save(update_fields=["access_token", "refresh_token", "access_expires_at"])
    if refused_for_good:  # raised after the commit: the inactive mark must stay
        raise quickbooks.Reconnect(kept.sync_error)
    return kept.realm_id, kept.access_token


class _Session:
    """The company, through a fresh token; a 401 refreshes once and tries again."""

    def __init__(self):
        self.realm_id, self.token = quickbooks_access_token()
        self.company = quickbooks.company(realm_id=self.realm_id, access_token=self.token)

    def run(self, call):
        try:
            return call(self.company)
        except quickbooks.TokenExpired:
            self.realm_id, self.token = quickbooks_access_token(refused=self.token)
            self.company = quickbooks.company(realm_id=self.realm_id, access_token=self.token)
            return call(self.company)


# --- Sync ----------------------------------------------------------------------------------------


@transaction.atomic
def quickbooks_sync_queue(*, actor: User, customers: bool, invoices: bool, vendors: bool) -> QuickBooksConnection:
    """Queue a sync (at commit); one already queued or running is the one answered."""
    kept = QuickBooksConnection.objects.select_for_update().filter(active=True).first()
    if kept is None:
        raise _not_connected()
    if kept.sync_status in (SyncStatus.QUEUED, SyncStatus.RUNNING):
        return kept
    kept.sync_status, kept.sync_error = SyncStatus.QUEUED, ""
    kept.save(update_fields=["sync_status", "sync_error"])
    options = {"customers": customers, "invoices": invoices, "vendors": vendors}
    on_commit_in_this_tenant(lambda: app.signature("integrations.quickbooks_sync", kwargs=options).delay())
    return kept


def _status_set(**fields) -> None:
    QuickBooksConnection.objects.filter(active=True).update(**fields)


def quickbooks_sync_run(*, customers: bool = True, invoices: bool = True, vendors: bool = True) -> dict:
    """Push and pull, remembering each twin as it is made (a sync cut short keeps what it did, and
    the next one carries on). Throttling is raised for the task to retry; other failures end
    the sync as failed, with a message for the page."""
    _status_set(sync_status=SyncStatus.RUNNING)
    counts = {"synced_customers": 0, "synced_invoices": 0, "synced_vendors": 0}
    try:
        session = _Session()
        if customers or invoices:  # an invoice's customer must be there first
            counts["synced_customers"] = _customers_sync(session)
        if invoices:
            counts["synced_invoices"] = _invoices_sync(session)
        if vendors:
            counts["synced_vendors"] = _vendors_sync(session)
    except quickbooks.Throttled:
        raise
    except (quickbooks.QuickBooksError, DomainError) as error:
        logger.warning("QuickBooks sync failed: %s", error)
        if isinstance(error, quickbooks.Reconnect):
            message = _("QuickBooks no longer accepts this connection. Connect again.")
        elif isinstance(error, DomainError):
            message = error.message
        else:
            message = _("QuickBooks refused the sync: %(detail)s") % {"detail": error}
        QuickBooksConnection.objects.update(sync_status=SyncStatus.FAILED, sync_error=message[:1000])
        return counts
    except Exception:
        # Never left "running": a new sync could not start behind it.
        message = _("The sync stopped on an error of ours. Our team has been notified; sync again later.")
        QuickBooksConnection.objects.update(sync_status=SyncStatus.FAILED, sync_error=message)
        raise
    _status_set(sync_status=SyncStatus.DONE, sync_error="", last_sync_at=timezone.now(), **counts)
    return counts


def quickbooks_sync_give_up() -> None:
    """Throttled try after try: the sync ends as failed, saying so, and can be started again."""
    message = _("QuickBooks is busy (too many requests). Sync again later.")
    _status_set(sync_status=SyncStatus.FAILED, sync_error=message)


def _links(realm_id: str, kind: str) -> dict[str, str]:
    """external id → local key."""
    rows = QuickBooksLink.objects.filter(realm_id=realm_id, kind=kind).values_list("external_id", "local_key")
    return dict(rows)


def _link(realm_id: str, kind: str, local_key, external_id: str) -> None:
    QuickBooksLink.objects.create(realm_id=realm_id, kind=kind, local_key=str(local_key), external_id=str(external_id))


def _request_id(kind: str, local_key) -> str:
    # The same id for the same record every time: QBO answers a repeated create (a sync that
    # died between QuickBooks' answer and our link) with the first one's record.
    # QBO takes 50 characters: a vendor's name is hashed.
    key = hashlib.sha256(str(local_key).encode()).hexdigest()[:20]
    return f"{db_connection.schema_name[:20]}-{kind[:1]}-{key}"


def _customers_sync(session: _Session) -> int:
    realm = session.realm_id
    linked = _links(realm, LinkKind.CUSTOMER)
    twins = set(linked.values())
    count = 0
    by_email = {email.lower(): pk for pk, email in Contact.objects.exclude(email="").values_list("pk", "email")}
    for customer in session.run(lambda company: company.query_all("Customer")):
        if customer["Id"] in linked:
            continue
        email = ((customer.get("PrimaryEmailAddr") or {}).get("Address") or "").strip()
        pk = by_email.get(email.lower()) if email else None
        if pk is None:
            pk = _contact_from(customer, email)
        if pk is None or str(pk) in twins:
            continue
        _link(realm, LinkKind.CUSTOMER, pk, customer["Id"])
        twins.add(str(pk))
        count += 1
    for contact in Contact.objects.exclude(pk__in=[int(key) for key in twins]).order_by("pk"):
        made = _named_create(
            session, "Customer", _customer_body(contact), request_id=_request_id("customer", contact.pk),
            other_name=f"{contact.name} ({contact.email})",
        )
        _link(realm, LinkKind.CUSTOMER, contact.pk, made["Id"])
        count += 1
    return count


def _named_create(session: _Session, entity: str, body: dict, *, request_id: str, other_name: str) -> dict:
    """Create; a name QuickBooks already has (two contacts called João Silva, a vendor that is also
    a customer: names are unique across both there) is taken with `other_name` instead."""
    try:
        return session.run(lambda company: company.create(entity, body, request_id=request_id))
    except quickbooks.DuplicateName:
        renamed = {**body, "DisplayName": other_name[:100]}
        return session.run(lambda company: company.create(entity, renamed, request_id=f"{request_id}-2"[:50]))


def _contact_from(customer: dict, email: str) -> int | None:
    """A CRM contact for a QuickBooks customer; ours need an email, so one without is left there."""
    if not email:
        return None
    phone = ((customer.get("PrimaryPhone") or {}).get("FreeFormNumber") or "").strip()
    name = (customer.get("DisplayName") or email)[:200]
    try:
        return contact_create(actor=None, name=name, email=email, phone=phone,
                              company=(customer.get("CompanyName") or "")[:200]).pk
    except (ValidationError, DomainError):
        try:  # a phone our rules refuse should not keep the customer out
            return contact_create(actor=None, name=name, email=email).pk
        except (ValidationError, DomainError):
            logger.info("QuickBooks customer %s left out: not a valid contact", customer.get("Id"))
            return None


def _customer_body(contact: Contact) -> dict:
    body = {"DisplayName": contact.name[:100], "PrimaryEmailAddr": {"Address": contact.email}}
    if contact.company:
        body["CompanyName"] = contact.company[:100]
    if contact.phone:
        body["PrimaryPhone"] = {"FreeFormNumber": contact.phone}
    return body


def _invoices_sync(session: _Session) -> int:
    realm = session.realm_id
    linked = _links(realm, LinkKind.INVOICE)
    twins = set(linked.values())
    customers = {int(key): external for external, key in _links(realm, LinkKind.CUSTOMER).items()}
    ours = Invoice.objects.select_related("customer").filter(status__in=PUSHED_INVOICE_STATUSES).order_by("pk")
    by_number = dict(ours.values_list("number", "pk"))
    count = 0
    # Pulled: QuickBooks' invoices that are ours already (the same number) become their twins.
    for remote in session.run(lambda company: company.query_all("Invoice")):
        pk = by_number.get(remote.get("DocNumber") or "")
        if remote["Id"] in linked or pk is None or str(pk) in twins:
            continue
        _link(realm, LinkKind.INVOICE, pk, remote["Id"])
        twins.add(str(pk))
        count += 1
    for invoice in ours.exclude(pk__in=[int(key) for key in twins]):
        customer_ref = customers.get(invoice.customer_id)
        if customer_ref is None:
            continue  # a customer QuickBooks would not take: its invoices wait with it
        body = _invoice_body(invoice, customer_ref)
        made = session.run(lambda company, body=body, invoice=invoice: company.create(
            "Invoice", body, request_id=_request_id("invoice", invoice.pk)
        ))
        _link(realm, LinkKind.INVOICE, invoice.pk, made["Id"])
        count += 1
    return count


def _invoice_body(invoice: Invoice, customer_ref: str) -> dict:
    # One line for the invoice's total: QBO's items are not ours, the line books to one item.
    total = str(invoice.total)
    return {
        "CustomerRef": {"value": customer_ref},
        "DocNumber": invoice.number[:21],
        "TxnDate": invoice.issue_date.isoformat(),
        "DueDate": invoice.due_date.isoformat(),
        "CurrencyRef": {"value": invoice.currency},
        "Line": [{
            "DetailType": "SalesItemLineDetail", "Amount": total, "Description": invoice.number,
            "SalesItemLineDetail": {"ItemRef": {"value": settings.QUICKBOOKS_ITEM_ID}, "Qty": 1, "UnitPrice": total},
        }],
    }


def _vendors_sync(session: _Session) -> int:
    realm = session.realm_id
    linked = _links(realm, LinkKind.VENDOR)
    twins = set(linked.values())
    names = {}
    payables = Account.objects.filter(type=AccountType.PAYABLE).exclude(vendor="").values_list("vendor", flat=True)
    for name in payables.distinct():
        names.setdefault(name.strip().lower(), name.strip())
    count = 0
    # Pulled: QuickBooks' vendors are remembered by name, for the payables that name them.
    for vendor in session.run(lambda company: company.query_all("Vendor")):
        key = (vendor.get("DisplayName") or "").strip().lower()
        if vendor["Id"] in linked or not key or key in twins:
            continue
        _link(realm, LinkKind.VENDOR, key, vendor["Id"])
        twins.add(key)
        count += 1
    for key, name in sorted(names.items()):
        if key in twins:
            continue
        made = _named_create(
            session, "Vendor", {"DisplayName": name[:100]}, request_id=_request_id("vendor", key),
            other_name=_("%(name)s (vendor)") % {"name": name},
        )
        _link(realm, LinkKind.VENDOR, key, made["Id"])
        count += 1
    return count
