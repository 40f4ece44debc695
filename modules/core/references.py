"""Who still refers to a record, asked before deleting it.

A contact may have deals (CRM), invoices (invoicing), projects…: each module registers, for the
models it points at, a counter and how to say it ("This contact has 3 invoices…"). Deleting
then asks every registered module and refuses with their reasons, instead of the database's
PROTECT turning into a 500. Modules register from their AppConfig.ready() (the referenced
model's module need not know them), so a module that is not installed is not asked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Referrer:
    count: Callable[[Model], int]  # how many of the module's records point at this one
    message: Callable[[int], str]  # the refusal for that many, translated (ngettext)


# referenced model → {name: Referrer}; a name registered again replaces the earlier one
REFERRERS: dict[type[Model], dict[str, Referrer]] = {}


def referrer_register(
    model: type[Model], name: str, *, count: Callable[[Model], int], message: Callable[[int], str]
) -> None:
    REFERRERS.setdefault(model, {})[name] = Referrer(count=count, message=message)


def delete_refusal(record: Model) -> str:
    """Why `record` cannot be deleted ("" when nothing refers to it): every module's reason."""
    reasons = []
    for referrer in REFERRERS.get(type(record), {}).values():
        count = referrer.count(record)
        if count:
            reasons.append(referrer.message(count))
    return " ".join(reasons)
