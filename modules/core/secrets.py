"""Secrets kept for a tenant — provider API keys, OAuth tokens, certificate files (NF-e A1
`.pfx`, CFDI CSD) — encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

`INNEXAR_ENCRYPTION_KEYS` lists Fernet keys: the first encrypts, every one decrypts, so a key is
rotated by putting a new one first, running `manage.py secrets_rotate`, then dropping the old one.
Without the setting, one key is derived from SECRET_KEY (development); production sets its own,
so that changing SECRET_KEY does not make every stored secret unreadable.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"innexar-secrets").derive(
            secret_key.encode()
        )
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.INNEXAR_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(data: bytes) -> str:
    return fernet().encrypt(data).decode("ascii")


def decrypt(token: str) -> bytes:
    return fernet().decrypt(token.encode("ascii"))


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Each write encrypts anew (no two tokens alike), so the column can
    only be asked whether it is empty: any other lookup is refused rather than silently never
    matching."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.decode(decrypt(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value) if isinstance(value, str) else value
        return None if value is None else encrypt(self.encode(value))

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def encode(self, value) -> bytes:
        return str(value).encode()

    def decode(self, data: bytes):
        return data.decode()


class EncryptedBinaryField(EncryptedTextField):
    """Bytes stored encrypted: certificate files, which never touch the disk in the clear."""

    def encode(self, value) -> bytes:
        return bytes(value)

    def decode(self, data: bytes):
        return data


def encrypted_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]


def secrets_rotate(model) -> int:
    """Re-encrypt every stored secret of `model` (in the schema active now) with the first key;
    returns how many rows. Reading decrypts with whichever key wrote it, saving uses the first."""
    names = encrypted_fields(model)
    rows = list(model._default_manager.only("pk", *names))
    model._default_manager.bulk_update(rows, names, batch_size=500)
    return len(rows)
