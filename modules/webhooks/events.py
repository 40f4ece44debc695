"""The catalogue of events a webhook may subscribe to: names the modules record in the outbox
today, taken from their own events.py so that the catalogue cannot name one nobody records.
`*` subscribes to every one of them (and to those added later); `ping` is what `test/` sends."""

from django.utils.translation import gettext_lazy as _

from modules.crm import events as crm
from modules.finance import events as finance
from modules.inventory import events as inventory
from modules.invoicing import events as invoicing

ALL = "*"
PING = "ping"

CATALOGUE: dict[str, object] = {
    crm.LEAD_CREATED: _("A lead was created"),
    crm.LEAD_CONVERTED: _("A lead was converted into a contact"),
    crm.LEAD_LOST: _("A lead was lost"),
    crm.CONTACT_CREATED: _("A contact was created"),
    crm.DEAL_CREATED: _("A deal was created"),
    crm.DEAL_STAGE_CHANGED: _("A deal moved to another stage"),
    crm.DEAL_WON: _("A deal was won"),
    crm.DEAL_LOST: _("A deal was lost"),
    invoicing.INVOICE_ISSUED: _("An invoice was issued"),
    invoicing.INVOICE_SENT: _("An invoice was sent"),
    invoicing.INVOICE_PAID: _("An invoice was paid"),
    invoicing.INVOICE_OVERDUE: _("An invoice became overdue"),
    invoicing.INVOICE_CANCELLED: _("An invoice was cancelled"),
    invoicing.SUBSCRIPTION_CREATED: _("A subscription was created"),
    invoicing.SUBSCRIPTION_CANCELLED: _("A subscription was cancelled"),
    finance.ACCOUNT_PAID: _("A payable or receivable was paid in full"),
    finance.ACCOUNT_OVERDUE: _("A payable or receivable became overdue"),
    inventory.STOCK_LOW: _("A product's stock fell below its minimum"),
}


def subscribed(events: list[str], name: str) -> bool:
    return name in CATALOGUE and (ALL in events or name in events)
