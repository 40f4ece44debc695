"""Invoicing tables: invoices and their items, the ways to pay them (Stripe checkout sessions,
boletos, PIX charges), the payments that arrived through those rails, subscriptions and the
workspace's Stripe connection.

An issued invoice has a receivable in finance (`receivable`); a payment on any rail settles both
through finance's payment rule. Whichever rail pays first settles the invoice and the other rails
are withdrawn; a payment that arrives after that is kept as a credit for the customer
(`CustomerCredit`), never lost.

Amounts are Decimal in the invoice's currency: items keep the kit's finer precisions (quantity,
unit price); totals are rounded to the currency once per line (`services.invoice_totals` says
the rule).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.money import AmountField, Currency, QuantityField, UnitPriceField
from modules.core.secrets import EncryptedBinaryField, EncryptedTextField


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    # Never sent by a client: an issued invoice past its due date. Readers compute it
    # (selectors.invoice_list); the daily task stores it once, with its `invoice.overdue` event.
    OVERDUE = "overdue", _("Overdue")


# What can still be paid or cancelled.
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


class FiscalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorized")
    DENIED = "denied", _("Denied")
    CANCELLED = "cancelled", _("Cancelled")


class FiscalDocumentKind(models.TextChoices):
    """The fiscal document an issued invoice has: Brazil's NF-e or NFS-e, Mexico's CFDI."""

    NFE = "nfe", "NF-e"
    NFSE = "nfse", "NFS-e"
    CFDI = "cfdi", "CFDI"


class Invoice(models.Model):
    # INV-<year>-<seq>, gapless per year (core.numbering), given when the invoice is created.
    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    # The language the customer reads the invoice, its PDF, its mail and its pay page in.
    language = models.CharField(_("language"), max_length=8, default="en")
    # A discount on the whole invoice, on top of the items' own.
    invoice_discount = AmountField(_("invoice discount"), default=0)
    # Computed by the services from the items (never written by a client).
    subtotal = AmountField(_("subtotal"), default=0)
    discount = AmountField(_("discount"), default=0)
    tax = AmountField(_("tax"), default=0)
    total = AmountField(_("total"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    payment_link = models.URLField(_("payment link"), max_length=1000, blank=True)
    receivable = models.OneToOneField(
        "finance.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Brazil (NF-e / NFS-e) and Mexico (CFDI): filled by the fiscal step when the invoice is issued.
    nfe_number = models.CharField(max_length=20, blank=True)
    nfe_key = models.CharField(max_length=50, blank=True)  # 44 digits an NF-e's, 50 an NFS-e's
    nfe_status = models.CharField(max_length=16, choices=FiscalStatus.choices, blank=True)
    nfe_xml = models.CharField(max_length=255, blank=True)  # tenant file path (core.files)
    nfe_pdf = models.CharField(max_length=255, blank=True)
    cfdi_uuid = models.CharField(max_length=36, blank=True)
    cfdi_xml = models.CharField(max_length=255, blank=True)
    cfdi_pdf = models.CharField(max_length=255, blank=True)
    # What the fiscal step drew and heard (fiscal_documents.py): the document kind (nfe, nfse,
    # cfdi), its series and cNF (a resend after a rejection keeps number, series and key), the
    # provider's reference, and the authority's last answer: its outcome (results.py), code and
    # words, shown to the user in their language.
    fiscal_document = models.CharField(max_length=8, choices=FiscalDocumentKind.choices, blank=True)
    fiscal_series = models.PositiveIntegerField(null=True, blank=True)
    fiscal_numeric_code = models.CharField(max_length=8, blank=True)
    fiscal_provider = models.CharField(max_length=16, blank=True)
    fiscal_reference = models.CharField(max_length=64, blank=True)
    fiscal_protocol = models.CharField(max_length=64, blank=True)
    fiscal_outcome = models.CharField(max_length=16, blank=True)
    fiscal_code = models.CharField(max_length=16, blank=True)
    fiscal_reason = models.TextField(blank=True)
    fiscal_authorized_at = models.DateTimeField(null=True, blank=True)
    fiscal_cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("issue_date")), name="invoicing_due_after_issue"),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoicing_invoice_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="invoicing_invoice_status_idx"),
            models.Index(fields=["customer", "issue_date"], name="invoicing_invoice_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceItem(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = QuantityField(_("quantity"))
    unit_price = UnitPriceField(_("unit price"))
    discount = AmountField(_("discount"), default=0)
    # A percentage, as the API speaks it: 18 for 18 %.
    tax_rate = models.DecimalField(
        _("tax rate"), max_digits=7, decimal_places=4, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Computed: quantity × unit price − discount, rounded to the currency (before tax).
    total = AmountField(_("total"), default=0)
    # What was sold, as the tax authorities classify it (the fiscal step reads these; inventory's
    # products copy ncm, sat_product_code and sat_unit_code into their lines). Brazil: NCM (8 digits,
    # "00" for a service), CFOP (left empty, fiscal_br.taxes.default_cfop's rule by states) and
    # the LC 116 service code of an NFS-e. Mexico: ClaveProdServ (01010101 when left empty) and
    # ClaveUnidad (ACT for a service, H87 for goods, when left empty).
    ncm = models.CharField(_("NCM"), max_length=8, blank=True)
    cfop = models.CharField(_("CFOP"), max_length=4, blank=True)
    service_code = models.CharField(_("service code (LC 116)"), max_length=8, blank=True)
    sat_product_code = models.CharField(_("SAT product code"), max_length=8, blank=True)
    sat_unit_code = models.CharField(_("SAT unit code"), max_length=3, blank=True)
    # An inventory product: issuing the invoice takes its stock out (inventory's issue hook).
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_items",
        verbose_name=_("product"),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoicing_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="invoicing_item_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="invoicing_item_discount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description


class ChargeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn: the invoice was paid another way, or cancelled
    EXPIRED = "expired", _("Expired")


class BoletoBank(models.TextChoices):
    BB = "bb", "Banco do Brasil"
    ITAU = "itau", "Itaú"
    BRADESCO = "bradesco", "Bradesco"
    SICREDI = "sicredi", "Sicredi"


class Boleto(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="boletos")
    bank = models.CharField(max_length=16, choices=BoletoBank.choices)
    bank_account = models.ForeignKey("finance.BankAccount", on_delete=models.PROTECT, related_name="boletos")
    our_number = models.CharField(max_length=20)  # nosso número, from core.numbering per bank account
    barcode = models.CharField(max_length=44, unique=True)
    digitable_line = models.CharField(max_length=54)
    due_date = models.DateField()
    amount = AmountField()
    status = models.CharField(max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    pdf = models.CharField(max_length=255, blank=True)  # tenant file path (core.files)
    # Who pays it as printed and registered with the bank (CNAB segment Q): name, document (CPF or
    # CNPJ), address, district, zip_code, city, state. Fixed when the boleto is made: the customer
    # may move, a registered boleto's payer does not.
    payer = models.JSONField(default=dict, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_amount = AmountField(null=True, blank=True)
    # The CNAB 240 remessa it went out in (null until exported).
    remittance_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "our_number"], name="invoicing_boleto_our_number_unique"),
        ]

    def __str__(self) -> str:
        return self.digitable_line


class PixType(models.TextChoices):
    STATIC = "static", _("Static")
    DYNAMIC = "dynamic", _("Dynamic")


class Pix(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="pix_charges")
    type = models.CharField(max_length=8, choices=PixType.choices)
    # The Banco Central txid (26–35 characters for a dynamic `cob`, up to 25 in a static code).
    txid = models.CharField(max_length=35, unique=True)
    key = models.CharField(max_length=77)  # the receiving PIX key
    amount = AmountField(null=True, blank=True)
    qr_code_text = models.TextField()  # the BR Code payload (copy and paste)
    location = models.URLField(max_length=255, blank=True)  # the PSP's payload location (dynamic)
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_amount = AmountField(null=True, blank=True)
    end_to_end_id = models.CharField(max_length=32, blank=True)  # the payment's e2eid, once paid
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "pix"

    def __str__(self) -> str:
        return self.txid


class CheckoutSession(models.Model):
    """A Stripe Checkout Session (or our sandbox pay page's stand-in) for an invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="checkout_sessions")
    session_id = models.CharField(max_length=255, unique=True)  # cs_test_… / cs_live_… / sandbox id
    url = models.URLField(max_length=1000)
    amount = AmountField()
    status = models.CharField(max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.session_id


class PaymentRail(models.TextChoices):
    CARD = "card", _("Card")
    PIX = "pix", _("PIX")
    BOLETO = "boleto", _("Boleto")
    MANUAL = "manual", _("Recorded by hand")


class InvoicePayment(models.Model):
    """Money that arrived for an invoice on one rail, keyed on the provider's own id so that a
    notification delivered twice is recorded once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    rail = models.CharField(max_length=16, choices=PaymentRail.choices)
    external_id = models.CharField(max_length=255)  # Stripe event/session id, PIX e2eid, boleto our number
    amount = AmountField()
    paid_at = models.DateTimeField()
    # False when the invoice was already paid: the money became the customer's credit.
    settled_invoice = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rail", "external_id"], name="invoicing_payment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rail} {self.external_id}"


class CustomerCredit(models.Model):
    """Money a customer paid that no invoice needed (a second rail paid a paid invoice)."""

    customer = models.ForeignKey("crm.Contact", on_delete=models.PROTECT, related_name="credits")
    payment = models.OneToOneField(InvoicePayment, on_delete=models.PROTECT, related_name="credit")
    amount = AmountField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    used_on = models.ForeignKey(Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class BillingCycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELLED = "cancelled", _("Cancelled")
    PAUSED = "paused", _("Paused")


class Subscription(models.Model):
    customer = models.ForeignKey(
        "crm.Contact", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("customer")
    )
    plan = models.CharField(_("plan"), max_length=200)
    amount = AmountField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    billing_cycle = models.CharField(_("billing cycle"), max_length=16, choices=BillingCycle.choices)
    billing_day = models.PositiveSmallIntegerField(
        _("billing day"), validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    trial_ends_at = models.DateField(_("trial ends"), null=True, blank=True)
    started_at = models.DateField(_("started"))
    next_billing_date = models.DateField(_("next billing date"))
    # Set by `cancel/` with end_of_period: the subscription stops once this date comes.
    cancel_at = models.DateField(_("cancels on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    # Dunning: how many reminders went out since the subscription fell past due.
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["next_billing_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(billing_day__gte=1, billing_day__lte=28), name="invoicing_billing_day_1_28"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoicing_subscription_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["next_billing_date"], name="invoicing_sub_due_idx", condition=Q(status="active")),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.customer_id})"


class SubscriptionPeriod(models.Model):
    """One billed period of a subscription: unique on (subscription, period start), so a billing
    run that runs twice, or on two workers at once, bills a period once."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="periods")
    period_start = models.DateField()
    period_end = models.DateField()
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="subscription_period")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_start"], name="invoicing_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.period_start}"


class StripeConnection(models.Model):
    """The workspace's own Stripe account (one row): keys encrypted at rest, never returned."""

    account_id = models.CharField(max_length=255)  # acct_…, from the verification call
    publishable_key = models.CharField(max_length=255)
    secret_key = EncryptedTextField()
    webhook_secret = EncryptedTextField(blank=True)
    livemode = models.BooleanField(default=False)
    connected_at = models.DateTimeField(auto_now_add=True)
    connected_by = user_link()

    def __str__(self) -> str:
        return self.account_id


class PixSettings(models.Model):
    """The workspace's PIX receiving set-up (one row): its key, the name and city the BR Code
    shows, the PSP for dynamic charges (empty: the sandbox) and the secret its webhook signs with."""

    key = models.CharField(max_length=77)
    merchant_name = models.CharField(max_length=25)
    merchant_city = models.CharField(max_length=15)
    psp = models.CharField(max_length=40, blank=True)
    psp_base_url = models.URLField(blank=True)
    psp_client_id = models.CharField(max_length=255, blank=True)
    psp_client_secret = EncryptedTextField(blank=True)
    webhook_secret = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class FiscalProvider(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox (homologation, no fiscal value)")
    FOCUS_NFE = "focus_nfe", "Focus NFe"
    SW_SAPIEN = "sw_sapien", "SW sapien"


class FiscalEnvironment(models.TextChoices):
    HOMOLOGATION = "homologation", _("Homologation (tests)")
    PRODUCTION = "production", _("Production")


class PisCofinsRegime(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative (lucro presumido)")
    NON_CUMULATIVE = "non_cumulative", _("Non-cumulative (lucro real)")


class FiscalSettings(models.Model):
    """How the workspace issues its fiscal documents (one row): the provider and environment (the
    sandbox by default), the series, the provider's token (encrypted, never returned), and what
    the documents need beyond the company settings."""

    # Off until the company turns it on: issuing an invoice then makes its fiscal document (and
    # refuses, naming what is missing, until the data is complete), the billing run's included.
    enabled = models.BooleanField(default=False)
    provider = models.CharField(max_length=16, choices=FiscalProvider.choices, default=FiscalProvider.SANDBOX)
    environment = models.CharField(
        max_length=16, choices=FiscalEnvironment.choices, default=FiscalEnvironment.HOMOLOGATION
    )
    provider_token = EncryptedTextField(blank=True)
    # Empty: the provider's own address for the environment (a test points it at a local fake).
    provider_base_url = models.URLField(blank=True)
    nfe_series = models.PositiveIntegerField(default=1)
    nfse_series = models.PositiveIntegerField(default=1)
    pis_cofins_regime = models.CharField(max_length=16, choices=PisCofinsRegime.choices, blank=True)
    # The NF-e's payment group (tPag): how the company's invoices are paid (finance's methods).
    payment_method = models.CharField(max_length=16, blank=True)
    # NFS-e: the ISS rate of the company's municipality and the NBS code of what it sells.
    iss_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    nbs = models.CharField(max_length=9, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.provider


class CertificateKind(models.TextChoices):
    A1 = "a1", _("A1 certificate (NF-e)")
    CSD = "csd", _("CSD (CFDI)")


class FiscalCertificate(models.Model):
    """The company's signing certificate, one of each kind: Brazil's A1 (`.pfx`) or Mexico's CSD
    (`.cer` with its `.key`). The files and password are encrypted at rest and never returned;
    what the pages show (whose, until when) is kept beside them."""

    kind = models.CharField(max_length=8, choices=CertificateKind.choices, unique=True)
    content = EncryptedBinaryField()  # the .pfx, or the CSD's .cer
    private_key = EncryptedBinaryField(null=True, blank=True)  # the CSD's .key
    password = EncryptedTextField()
    subject = models.CharField(max_length=255)
    tax_id = models.CharField(max_length=20)  # the CNPJ or RFC it was issued to
    serial = models.CharField(max_length=64)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    uploaded_at = models.DateTimeField(auto_now=True)
    uploaded_by = user_link()

    def __str__(self) -> str:
        return f"{self.kind} {self.tax_id}"


class FiscalEventKind(models.TextChoices):
    CANCELLATION = "cancellation", _("Cancellation")
    CORRECTION = "correction", _("Correction letter")
    PAYMENT = "payment", _("Payment complement")


class FiscalEvent(models.Model):
    """What followed an invoice's fiscal document: its cancellation, a correction letter (CC-e,
    numbered), or a CFDI payment complement (Pagos 2.0) for one payment, made once per payment."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="fiscal_events")
    kind = models.CharField(max_length=16, choices=FiscalEventKind.choices)
    sequence = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(blank=True)  # the reason or the correction, as given
    code = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    protocol = models.CharField(max_length=64, blank=True)  # the event's protocol, or the payment CFDI's UUID
    xml = models.CharField(max_length=255, blank=True)  # tenant file paths
    pdf = models.CharField(max_length=255, blank=True)
    payment = models.OneToOneField(
        InvoicePayment, on_delete=models.PROTECT, null=True, blank=True, related_name="fiscal_event"
    )
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind", "sequence"], name="invoicing_fiscal_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sequence}"
