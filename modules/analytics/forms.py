from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.core.forms import ServiceForm, date_input

from .models import ReportFormat
from .reports import REPORT_TYPES

PERIOD_CHOICES = [
    ("7d", _("Last 7 days")), ("30d", _("Last 30 days")), ("90d", _("Last 90 days")),
    ("year", _("This year")), ("custom", _("Custom range")),
]


class PeriodForm(ServiceForm):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="30d")
    start_date = forms.DateField(label=pgettext_lazy("cash flow", "From"), widget=date_input(), required=False)
    end_date = forms.DateField(label=pgettext_lazy("cash flow", "Until"), widget=date_input(), required=False)


class ReportForm(ServiceForm):
    type = forms.ChoiceField(label=_("Report"), choices=[(key, report.title) for key, report in REPORT_TYPES.items()])
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    start_date = forms.DateField(label=pgettext_lazy("cash flow", "From"), widget=date_input())
    end_date = forms.DateField(label=pgettext_lazy("cash flow", "Until"), widget=date_input())
