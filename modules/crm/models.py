"""CRM tables: leads, contacts, deals (with their stage history) and activities.

Users live in the public schema, so `assigned_to` and the like point there without a database
constraint (a cross-schema constraint would make deleting a user reach into every tenant).
Search uses a generated full-text column, accents folded (core.search): the embedded
PostgreSQL has no pg_trgm and no unaccent.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.core.models import user_link
from modules.core.money import Currency
from modules.core.search import SearchableManager, search_document


class Source(models.TextChoices):
    WEBSITE = "website", _("Website")
    SOCIAL = "social", _("Social media")
    REFERRAL = "referral", _("Referral")
    ADS = "ads", _("Ads")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    LOST = "lost", _("Lost")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    CLOSED_WON = "closed_won", _("Won")
    CLOSED_LOST = "closed_lost", _("Lost")


OPEN_STAGES = (Stage.PROSPECT, Stage.PROPOSAL, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.CLOSED_WON, Stage.CLOSED_LOST)


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")


class RelatedType(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTACT = "contact", _("Contact")
    DEAL = "deal", _("Deal")


class Person(models.Model):
    """What a lead and a contact share: who they are and how to reach them."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=32, blank=True)  # stored in E.164
    company = models.CharField(_("company"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True, verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    assigned_to = user_link(verbose_name=_("assigned to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SearchableManager()

    class Meta:
        abstract = True


class Contact(Person):
    # Who the customer is for the tax authorities (NF-e, CFDI), all optional until a document needs
    # them: the tax ID by `country` (CPF/CNPJ, RFC, EIN, with their check digits), the IE (Brazil),
    # the address, and in Mexico the regime (c_RegimenFiscal) and the use of the CFDI (c_UsoCFDI).
    tax_id = models.CharField(_("tax ID"), max_length=32, blank=True)
    state_registration = models.CharField(_("state registration"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)  # ISO 3166 alpha-2
    tax_regime = models.CharField(_("tax regime"), max_length=3, blank=True)
    cfdi_use = models.CharField(_("CFDI use"), max_length=4, blank=True)
    search_document = models.GeneratedField(
        expression=search_document("name", "email", "company", "phone"),
        output_field=SearchVectorField(), db_persist=True,
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("email"), name="crm_contact_email_ci_unique")]
        indexes = [
            GinIndex(fields=["search_document"], name="crm_contact_search_idx"),
            GinIndex(fields=["tags"], name="crm_contact_tags_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Lead(Person):
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    score = models.PositiveSmallIntegerField(
        _("score"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Set by a person: the model leaves the score alone until someone resets it.
    score_is_manual = models.BooleanField(default=False)
    converted_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="source_leads"
    )
    # When the lead last reached converted or lost: the outcome the score model learns from.
    closed_at = models.DateTimeField(null=True, blank=True)
    search_document = models.GeneratedField(
        expression=search_document("name", "email", "company", "phone"),
        output_field=SearchVectorField(), db_persist=True,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="crm_lead_email_ci_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="crm_lead_score_0_100"),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="crm_lead_search_idx"),
            GinIndex(fields=["tags"], name="crm_lead_tags_idx"),
            # The list's default order. It carries status and the search document so that
            # "best leads matching X" walks this index alone (an index-only scan, no heap
            # visits) and stops after a page: the cost stays flat as the table grows.
            models.Index(fields=["-score", "-id"], include=["status", "search_document"], name="crm_lead_score_idx"),
            models.Index(Lower("name"), "id", name="crm_lead_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Deal(models.Model):
    title = models.CharField(_("title"), max_length=200)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="deals", verbose_name=_("contact"))
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECT)
    probability = models.PositiveSmallIntegerField(
        _("probability"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    lost_reason = models.TextField(_("lost reason"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Order of the card inside its pipeline column (drag and drop).
    position = models.PositiveIntegerField(default=0)
    assigned_to = user_link(verbose_name=_("assigned to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The title's words; a search also looks in the contact's own document (DealFilter).
    search_document = models.GeneratedField(
        expression=search_document("title"), output_field=SearchVectorField(), db_persist=True,
    )

    objects = SearchableManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Zero only while a converted lead's deal awaits its estimate; services ask more of new deals.
            models.CheckConstraint(condition=Q(value__gte=0), name="crm_deal_value_not_negative"),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100), name="crm_deal_probability_0_100"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "position", "id"], name="crm_deal_board_idx"),
            GinIndex(fields=["search_document"], name="crm_deal_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DealStageChange(models.Model):
    """Every move of a deal between stages: from where, to where, when and by whom."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    changed_by = user_link()
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} → {self.to_stage}"


class Activity(models.Model):
    type = models.CharField(_("type"), max_length=16, choices=ActivityType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A lead, contact or deal of this tenant; services check it exists (no generic FK needed).
    related_to_type = models.CharField(_("related to"), max_length=16, choices=RelatedType.choices)
    related_to_id = models.PositiveBigIntegerField(_("related record"))
    due_date = models.DateTimeField(_("due date"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    assigned_to = user_link(verbose_name=_("assigned to"))
    created_by = user_link()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["related_to_type", "related_to_id"], name="crm_activity_related_idx"),
            models.Index(fields=["completed", "due_date"], name="crm_activity_due_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class LeadScoreModel(models.Model):
    """The tenant's trained lead-scoring model (one row): counts the naive Bayes learned."""

    trained_at = models.DateTimeField(auto_now=True)
    converted = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    # {"feature": {"value": [converted_count, lost_count]}}
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Lead score model trained on {self.converted} converted and {self.lost} lost leads"
