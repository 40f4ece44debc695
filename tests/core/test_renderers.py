"""The API's orjson renderer writes the bytes DRF's JSONRenderer writes."""

import datetime
import uuid
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework import renderers

from modules.core.renderers import JSONRenderer
from modules.crm.models import LeadStatus

PAYLOAD = {
    "count": 2,
    "results": [
        {
            "id": 1,
            "name": "João Silva \u2028 Ünïcode",
            "score": None,
            "active": True,
            "tags": ["vip", ""],
            "status": LeadStatus.NEW,
            "amount": Decimal("5000.00"),
            "at": datetime.datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC),
            "on": datetime.date(2026, 3, 1),
            "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "label": gettext_lazy("Status"),
        }
    ],
    7: "non-string key",
}


def test_it_writes_what_drf_writes():
    assert JSONRenderer().render(PAYLOAD) == renderers.JSONRenderer().render(PAYLOAD)


def test_an_indented_answer_is_drfs():
    media_type = "application/json; indent=2"
    expected = renderers.JSONRenderer().render(PAYLOAD, media_type)

    assert JSONRenderer().render(PAYLOAD, media_type) == expected
    assert b"\n  " in expected


def test_nothing_renders_as_nothing():
    assert JSONRenderer().render(None) == b""
