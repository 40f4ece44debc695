"""Shared inputs for the CFDI tests: SAT's test taxpayers, a fixed moment, the test CSDs."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from modules.invoicing.fiscal_mx.csd import csd_load, sandbox_csd
from modules.invoicing.fiscal_mx.inputs import Invoice, Issuer, Iva, Line, Receiver, Withholding
from modules.invoicing.fiscal_mx.pac import SandboxPac

FIXTURES = Path(__file__).parent / "fixtures"
ISSUED_AT = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City
STAMPED_AT = datetime(2026, 11, 20, 18, 5, tzinfo=UTC)
ISSUER = Issuer(rfc="EKU9003173C9", name="ESCUELA KEMPER URGATE", tax_regime="601")
RECEIVER = Receiver(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA", postal_code="86991",
                    tax_regime="601", cfdi_use="G03")


def invoice(**changes) -> Invoice:
    """A PUE invoice of EKU9003173C9 to URE180429TM6 with a service line (IVA 16%, ISR and IVA
    withheld) and a goods line (IVA 0%)."""
    base = Invoice(
        issuer=ISSUER,
        receiver=RECEIVER,
        lines=(
            Line("Consultoría fiscal", Decimal("3"), Decimal("33.335"), service=True, discount=Decimal("1.00"),
                 iva=Iva.RATE_16,
                 withholdings=(Withholding("ISR", Decimal("0.100000")), Withholding("IVA", Decimal("0.106667")))),
            Line("Libro de texto", Decimal("2"), Decimal("150"), service=False, iva=Iva.RATE_0),
        ),
        place_of_issue="42501",
        issued_at=ISSUED_AT,
        payment_method="PUE",
        payment_form="03",
        currency="MXN",
        series="A",
        folio="1001",
    )
    return replace(base, **changes)


@pytest.fixture
def csd():
    return sandbox_csd("EKU9003173C9")


@pytest.fixture
def sandbox_pac():
    return SandboxPac(now=lambda: STAMPED_AT)


def fixture_csd(name: str):
    return csd_load((FIXTURES / f"{name}.cer").read_bytes(), (FIXTURES / f"{name}.key").read_bytes(), "12345678a")
