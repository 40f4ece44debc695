from django.db import models


class Sequence(models.Model):
    """A counter that hands out document numbers (invoice numbers per year, NF-e numbers per
    series, CFDI folios), one row per key in each tenant's schema. See core/numbering.py."""

    key = models.CharField(max_length=100, unique=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"
