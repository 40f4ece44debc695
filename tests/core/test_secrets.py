"""Secrets are unreadable in the database, come back intact, and survive a key rotation."""

import io
import re

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from modules.core.secrets import EncryptedBinaryField, EncryptedTextField, decrypt, secrets_rotate
from modules.tenancy.models import Tenant

API_KEY = "sk_live_51Hx-not-a-real-key"
CERTIFICATE = b"0\x82\x0b\xa1\x02\x01\x03 binary .pfx bytes \x00\xff"


@pytest.fixture
def vault(db):
    """A table with secrets, made for the test inside its transaction (PostgreSQL rolls it back)."""
    with isolate_apps("modules.core"):
        class Vault(models.Model):
            api_key = EncryptedTextField(blank=True, null=True)
            certificate = EncryptedBinaryField(null=True)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return f"vault {self.pk}"

        with connection.schema_editor() as editor:
            editor.create_model(Vault)
        yield Vault


def _stored(model, pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT api_key, certificate FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_a_secret_is_stored_encrypted_and_read_back_intact(vault):
    row = vault.objects.create(api_key=API_KEY, certificate=CERTIFICATE)

    stored = _stored(vault, row.pk)
    again = vault.objects.get(pk=row.pk)

    assert API_KEY not in stored[0] and "Hx-not" not in stored[1]
    assert (again.api_key, again.certificate) == (API_KEY, CERTIFICATE)


def test_the_same_secret_twice_is_stored_two_ways(vault):
    first, second = vault.objects.create(api_key=API_KEY), vault.objects.create(api_key=API_KEY)

    assert _stored(vault, first.pk)[0] != _stored(vault, second.pk)[0]


def test_a_secret_column_can_only_be_asked_whether_it_is_empty(vault):
    vault.objects.create(api_key=API_KEY)

    assert vault.objects.filter(api_key__isnull=False).count() == 1
    with pytest.raises(FieldError):
        vault.objects.filter(api_key=API_KEY).count()


def test_a_rotation_rewrites_old_secrets_with_the_new_key(vault, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.INNEXAR_ENCRYPTION_KEYS = [old]
    row = vault.objects.create(api_key=API_KEY, certificate=CERTIFICATE)
    settings.INNEXAR_ENCRYPTION_KEYS = [new, old]  # the new key first: old secrets still read

    assert vault.objects.get(pk=row.pk).api_key == API_KEY
    assert secrets_rotate(vault) == 1

    settings.INNEXAR_ENCRYPTION_KEYS = [new]  # the old key dropped
    assert (vault.objects.get(pk=row.pk).api_key, vault.objects.get(pk=row.pk).certificate) == (API_KEY, CERTIFICATE)
    settings.INNEXAR_ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        decrypt(_stored(vault, row.pk)[0])


def test_the_rotation_command_visits_the_public_schema_and_every_workspace(team_a, team_b):
    out = io.StringIO()

    call_command("secrets_rotate", stdout=out)

    workspaces = int(re.search(r"and (\d+) workspaces", out.getvalue()).group(1))
    assert workspaces == Tenant.objects.exclude(schema_name="public").filter(is_active=True).count() >= 2
