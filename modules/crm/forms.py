"""The CRM pages' forms: they parse what a person typed; the services decide what may be stored."""

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from modules.core.forms import (
    ControlForm,
    FilePickerInput,
    LocalDecimalField,
    LocalIntegerField,
    RecordForm,
    RecordSelect,
    ServiceForm,
    TagsField,
    TeammateField,
    date_input,
    datetime_input,
)
from modules.core.money import Currency
from modules.core.templatetags.phones import phone
from modules.tenancy.countries import CFDI_USES, MEXICAN_TAX_REGIMES
from modules.tenancy.selectors import company_profile_current

from . import selectors
from .filters import ContactFilter, DealFilter, LeadFilter
from .models import ActivityType, Contact, LeadStatus, RelatedType, Source, Stage

# Converting makes a contact and a deal: it has its own button, never a status to pick.
SETTABLE_STATUSES = [(value, label) for value, label in LeadStatus.choices if value != LeadStatus.CONVERTED]
RECORD_CHOICES_SHOWN = 20
LOOKUP_URL = reverse_lazy("crm:lookup")  # the record pickers' search (views.lookup)


def default_currency() -> str:
    profile = company_profile_current()
    return profile.default_currency if profile is not None else Currency.USD


# --- Picking a lead, contact or deal among thousands ------------------------------------------

_RECORD_SEARCH = {
    RelatedType.LEAD: (selectors.lead_list, LeadFilter, "name"),
    RelatedType.CONTACT: (selectors.contact_list, ContactFilter, "name"),
    RelatedType.DEAL: (selectors.deal_list, DealFilter, "title"),
}


def record_choices(record_type: str, *, search: str = "", selected=None) -> list[tuple[int, str]]:
    """The records a picker offers: the chosen one first, then the latest that match `search`."""
    base, filterset_class, title_field = _RECORD_SEARCH[record_type]
    queryset = filterset_class({"search": search}, queryset=base()).qs.order_by("-created_at", "-id")
    records = list(queryset.values_list("pk", title_field)[:RECORD_CHOICES_SHOWN])
    try:
        selected = int(selected)
    except (TypeError, ValueError):
        return records
    if all(pk != selected for pk, _title in records):
        records = list(base().filter(pk=selected).values_list("pk", title_field)) + records
    return records


# --- Leads and contacts -------------------------------------------------------------------------


class PersonForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    assigned_to = TeammateField()
    tags = TagsField()
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_from(cls, record) -> dict:
        """The stored E.164 as people write it here (the service reads it back alike). Only the
        stored value: what someone typed is shown back as typed, never regrouped for them."""
        initial = super().initial_from(record)
        initial["phone"] = phone(initial["phone"])
        return initial


class ContactForm(PersonForm):
    """A customer's fiscal data too (the services check the digits): invoices' NF-e and CFDI need it."""

    tax_id = forms.CharField(label=_("Tax ID"), max_length=32, required=False,
                             help_text=_("CPF or CNPJ, RFC or EIN, by the country."))
    state_registration = forms.CharField(label=_("State registration (IE)"), max_length=20, required=False,
                                         help_text=_("Brazil: the IE of the customer's state, or ISENTO."))
    address = forms.CharField(label=_("Address"), max_length=255, required=False,
                              help_text=_("Brazil: street, number - district."))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state = forms.CharField(label=_("State"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False,
                              help_text=_("Two letters: BR, MX, US... The company's when left empty."))
    tax_regime = forms.ChoiceField(label=_("Tax regime (Mexico)"), choices=[("", "—"), *MEXICAN_TAX_REGIMES],
                                   required=False)
    cfdi_use = forms.ChoiceField(label=_("CFDI use (Mexico)"), choices=[("", "—"), *CFDI_USES], required=False)


class LeadForm(PersonForm):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.OTHER)


class LeadCreateForm(LeadForm):
    status = forms.ChoiceField(label=_("Status"), choices=SETTABLE_STATUSES, initial=LeadStatus.NEW)


class LeadStatusForm(ControlForm):
    status = forms.ChoiceField(label=_("Status"), choices=SETTABLE_STATUSES)


class LeadScoreForm(ControlForm):
    """A score set by hand; empty hands the score back to the model (`score: None`)."""

    score = LocalIntegerField(label=_("Score"), min_value=0, max_value=100, required=False)


class LeadIdsField(forms.MultipleChoiceField):
    """The ticked rows' ids; the service skips those it cannot change."""

    def valid_value(self, value) -> bool:
        # ASCII digits only: "²" is a digit to str.isdigit() and not a number to int().
        value = str(value)
        return value.isascii() and value.isdigit()

    def clean(self, value) -> list[int]:
        return [int(pk) for pk in super().clean(value)]


class LeadBulkStatusForm(forms.Form):
    leads = LeadIdsField(
        label=_("Leads"), error_messages={"required": _("Tick the leads to change first.")}
    )
    status = forms.ChoiceField(label=_("New status"), choices=SETTABLE_STATUSES)


class LeadConvertForm(ServiceForm):
    """All optional: the deal is named after the lead's company and waits for its estimate."""

    title = forms.CharField(label=_("Deal title"), max_length=200, required=False)
    value = LocalDecimalField(label=_("Value"), min_value=Decimal("0"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False, widget=date_input())


class LeadImportForm(ServiceForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Latin-1, separated by commas or semicolons, with a header row."),
        widget=FilePickerInput(attrs={"accept": ".csv,text/csv"}),
    )


# --- Deals -------------------------------------------------------------------------------------


class DealForm(RecordForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.all(),
        widget=RecordSelect(lookup_url=LOOKUP_URL, record_type=RelatedType.CONTACT),
    )
    value = LocalDecimalField(label=_("Value"), min_value=Decimal("0"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.PROSPECT)
    probability = LocalIntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, required=False,
        help_text=_("Empty: the stage's usual probability."),
    )
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False, widget=date_input())
    lost_reason = forms.CharField(
        label=_("Lost reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only kept for lost deals."),
    )
    assigned_to = TeammateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        selected = self["contact"].value()
        self.fields["contact"].widget.choices = [
            ("", "---------"), *record_choices(RelatedType.CONTACT, selected=selected)
        ]


class DealLostForm(forms.Form):
    lost_reason = forms.CharField(
        label=_("Why was it lost?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BoardMoveForm(forms.Form):
    """A card dropped on the board: its column and its place in it (0 is the top)."""

    stage = forms.ChoiceField(choices=Stage.choices)
    # Past the column's last card is its bottom; PostgreSQL's integer ends here.
    position = forms.IntegerField(min_value=0, max_value=2**31 - 1)


# --- Activities ----------------------------------------------------------------------------------


class ActivityForm(RecordForm):
    """On a record's timeline the record is fixed (hidden); on the activities page it is picked."""

    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices, initial=ActivityType.CALL)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    related_to_type = forms.ChoiceField(label=_("Related to"), choices=RelatedType.choices, initial=RelatedType.LEAD)
    related_to_id = forms.IntegerField(
        label=_("Record"), min_value=1, widget=RecordSelect(lookup_url=LOOKUP_URL, type_field="related_to_type"),
        error_messages={"required": _("Pick the lead, contact or deal this is about.")},
    )
    due_date = forms.DateTimeField(
        label=_("Due"), required=False,
        widget=datetime_input(),
    )
    assigned_to = TeammateField()
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, on_timeline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_timeline:
            # It shares the record's page with the record's edit form: ids of its own keep labels apart.
            self.auto_id = "timeline_%s"
            self.fields["related_to_type"].widget = forms.HiddenInput()
            self.fields["related_to_id"].widget = forms.HiddenInput()
            return
        if not self.is_bound:
            self.initial.setdefault("assigned_to", self.actor.pk)
        record_type = self["related_to_type"].value()
        if record_type not in RelatedType.values:
            record_type = RelatedType.LEAD
        selected = self["related_to_id"].value()
        self.fields["related_to_id"].widget.choices = [
            ("", "---------"), *record_choices(record_type, selected=selected)
        ]
