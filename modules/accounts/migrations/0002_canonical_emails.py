"""Store every address in its canonical form (accounts.emails.canonical_email), which sign-in,
reset and the rate limits now look up by exact match."""

import unicodedata

from django.db import migrations


def _canonical(value: str) -> str:
    # A frozen copy of accounts.emails.canonical_email as of this migration.
    folded = unicodedata.normalize("NFKC", value.strip()).lower()
    return unicodedata.normalize("NFKC", folded).lower()


def canonicalize_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changes = {}
    for pk, email in User.objects.values_list("pk", "email"):
        if _canonical(email) != email:
            changes[pk] = _canonical(email)
    taken = dict(User.objects.filter(email__in=changes.values()).values_list("email", "pk"))
    clashes = sorted((pk, email) for pk, email in changes.items() if taken.get(email, pk) != pk)
    if clashes or len(set(changes.values())) != len(changes):
        # Two accounts would become one address: a person must decide which keeps it.
        raise RuntimeError(f"Accounts whose canonical email clashes with another account's: {clashes or changes}")
    for pk, email in changes.items():
        User.objects.filter(pk=pk).update(email=email)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(canonicalize_emails, migrations.RunPython.noop)]
