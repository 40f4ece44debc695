from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.forms import ServiceForm

from .events import ALL, CATALOGUE


def _event_choices() -> list[tuple[str, object]]:
    return [(ALL, _("Every event (*), those added later included")), *((name, f"{name}: {label}")
            for name, label in CATALOGUE.items())]


class WebhookForm(ServiceForm):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https",
                         help_text=_("Where we POST each event, signed with the secret."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=_event_choices,
                                       widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(
        label=_("Secret"), required=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave it empty and we make one. It is shown once, then never again."),
    )


class WebhookEditForm(WebhookForm):
    is_active = forms.BooleanField(label=_("Active"), required=False,
                                   help_text=_("Untick to pause the webhook: nothing is sent while paused."))
    secret = forms.CharField(
        label=_("New secret"), required=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave it empty to keep the current secret."),
    )
