"""Reads about boletos and PIX charges, for the API and the pages alike."""

from django.db import connection
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from modules.finance.models import BankAccount
from modules.tenancy.selectors import company_profile_current

from .brazil.boleto import BANK_CODES
from .charges import CHARGE_CURRENCY
from .models import Boleto, ChargeStatus, Pix, PixSettings


def boleto_list() -> QuerySet[Boleto]:
    return Boleto.objects.select_related("invoice__customer", "bank_account")


def pix_list() -> QuerySet[Pix]:
    """PIX charges with `current_status`: expired as soon as `expires_at` passes, before the
    periodic task writes it down (pix_charges.pix_charges_expire)."""
    return Pix.objects.select_related("invoice__customer").annotate(current_status=Case(
        When(status=ChargeStatus.PENDING, expires_at__lte=Now(), then=Value(ChargeStatus.EXPIRED)),
        default=F("status"), output_field=CharField(),
    ))


def pix_status(pix: Pix) -> str:
    """The status a reader sees (see pix_list), for one charge already in hand."""
    current = getattr(pix, "current_status", None)
    if current is not None:
        return current
    if pix.status == ChargeStatus.PENDING and pix.expires_at is not None and pix.expires_at <= timezone.now():
        return ChargeStatus.EXPIRED
    return pix.status


def pix_settings_current() -> PixSettings | None:
    return PixSettings.objects.first()


def pix_settings_or_proposal() -> PixSettings:
    """The workspace's PIX set-up; before it has one, an unsaved proposal from its company's
    settings (PIX key, name, city) for the person to confirm."""
    current = pix_settings_current()
    if current is not None:
        return current
    company = company_profile_current()
    name = (company.trade_name or company.legal_name) if company else ""
    return PixSettings(
        key=company.pix_key if company else "", merchant_name=(name or connection.tenant.name)[:25],
        merchant_city=(company.city if company else "")[:15],
    )


def boleto_bank_accounts() -> QuerySet[BankAccount]:
    """The workspace's active accounts in reais at a bank that issues boletos."""
    return BankAccount.objects.filter(
        is_active=True, currency=CHARGE_CURRENCY, bank_code__in=BANK_CODES.values()
    ).order_by("name", "id")


def invoice_pending_charges(invoice_id: int) -> tuple[list[Boleto], list[Pix]]:
    """An invoice's charges still payable, newest first: what its dialogs show before offering a
    new one."""
    pending = Q(invoice_id=invoice_id, status=ChargeStatus.PENDING)
    boletos = list(Boleto.objects.filter(pending).order_by("-id"))
    charges = [pix for pix in pix_list().filter(pending).order_by("-id") if pix.current_status == ChargeStatus.PENDING]
    return boletos, charges
