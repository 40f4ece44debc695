"""What other modules do when an invoice is issued or cancelled, without invoicing knowing them:
inventory takes the stock of an invoice's product lines out when it is issued, and brings it back
when it is cancelled. A payment reminder of an overdue invoice (subscriptions' dunning) also runs
the reminder hooks, in its transaction: integrations sends it on WhatsApp too when connected.

Modules register a hook from their `AppConfig.ready()`; `invoice_issue` and `invoice_cancel` run
every hook inside their own transaction, before anything else of the issue is written (a hook
that refuses, with a ValidationError or a DomainError, refuses the issue or the cancellation,
and nothing of it stays).
"""

from collections.abc import Callable

from .models import Invoice

# hook(*, actor, invoice)
InvoiceHook = Callable[..., object]

_issue_hooks: list[InvoiceHook] = []
_cancel_hooks: list[InvoiceHook] = []
_reminder_hooks: list[InvoiceHook] = []  # hook(*, invoice)


def invoice_issue_hook_register(hook: InvoiceHook) -> None:
    if hook not in _issue_hooks:
        _issue_hooks.append(hook)


def invoice_cancel_hook_register(hook: InvoiceHook) -> None:
    if hook not in _cancel_hooks:
        _cancel_hooks.append(hook)


def invoice_issue_hooks_run(*, actor, invoice: Invoice) -> None:
    for hook in _issue_hooks:
        hook(actor=actor, invoice=invoice)


def invoice_cancel_hooks_run(*, actor, invoice: Invoice) -> None:
    for hook in _cancel_hooks:
        hook(actor=actor, invoice=invoice)


def invoice_reminder_hook_register(hook: InvoiceHook) -> None:
    if hook not in _reminder_hooks:
        _reminder_hooks.append(hook)


def invoice_reminder_hooks_run(*, invoice: Invoice) -> None:
    for hook in _reminder_hooks:
        hook(invoice=invoice)
