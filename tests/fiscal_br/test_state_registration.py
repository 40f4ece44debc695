"""State registrations (IE) against each state's published rule: SINTEGRA's worked example for all
27 states, the same numbers with one digit changed, and the IEs of real notes SEFAZ authorised."""

import pytest

from modules.core.brazil.state_registration import (
    state_registration_normalize,
    state_registration_valid,
)

# SINTEGRA, "Roteiro de Crítica da Inscrição Estadual": the example each state's section works
# through (two for the states with two forms in use).
SINTEGRA = [
    ("AC", "01.004.823/001-12"), ("AL", "240000048"), ("AP", "030123459"), ("AM", "04.293.368-4"),
    ("BA", "123456-63"), ("BA", "612345-57"), ("BA", "1000003-06"), ("CE", "06000001-5"),
    ("DF", "07.300.001.001-09"), ("ES", "999999990"), ("GO", "10.987.654-7"), ("MA", "12.000.038-5"),
    ("MT", "0013000001-9"), ("MS", "28.311.594-7"), ("MG", "062.307.904/0081"), ("PA", "15-999999-5"),
    ("PB", "06000001-5"), ("PR", "123.45678-50"), ("PE", "0321418-40"), ("PE", "18.1.001.0000004-9"),
    ("PI", "19.301.656-7"), ("RJ", "99.999.99-3"), ("RN", "20.040.040-1"), ("RN", "20.0.040.040-0"),
    ("RS", "224/3658792"), ("RO", "0000000062521-3"), ("RO", "101.62521-3"), ("RR", "24006628-1"),
    ("SC", "251.040.852"), ("SP", "110.042.490.114"), ("SP", "P-01100424.3/002"), ("SE", "27123456-3"),
    ("TO", "29.022.783-6"), ("TO", "29010227836"),
]
# The IEs of emitters, recipients and carriers in real notes (nfelib's samples, authorised by
# SEFAZ-SP, SEFAZ-PE, SVRS for SC and SEFA-PA).
FROM_REAL_NOTES = [
    ("SP", "803879214167"), ("SP", "189454930860"), ("SP", "125747467409"), ("SP", "089981799688"),
    ("SP", "001682461051"), ("SP", "755338250133"), ("SP", "460429771334"), ("SC", "250745615"),
    ("SC", "253992508"), ("SC", "251787435"), ("PE", "306412330"), ("PE", "024673560"), ("PA", "151198446"),
    ("PA", "158882881"), ("MG", "5462681890178"), ("MG", "9283369346321"), ("PR", "9032000301"),
]


@pytest.mark.parametrize("state, ie", SINTEGRA + FROM_REAL_NOTES)
def test_published_registrations_are_valid(state, ie):
    assert state_registration_valid(state, ie)


def test_every_state_has_its_rule():
    assert {state for state, _ie in SINTEGRA} == {
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI",
        "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
    }


@pytest.mark.parametrize("state, ie", [(state, ie) for state, ie in SINTEGRA if not ie.startswith("P")])
def test_a_changed_check_digit_is_caught(state, ie):
    last = ie[-1]
    changed = ie[:-1] + str((int(last) + 1) % 10)

    assert not state_registration_valid(state, changed)


@pytest.mark.parametrize("state, ie", [
    ("MG", "110042490114"),  # right for SP, wrong for MG (13 digits)
    ("AL", "250000048"),     # AL's start with 24
    ("AC", "0200482300112"),  # AC's with 01
    ("SP", "P-01100424.4/002"),  # a rural producer's check digit is the ninth
    ("RJ", "99.999.99-A"),
    ("XX", "123456789"),
])
def test_registrations_of_another_form_are_refused(state, ie):
    assert not state_registration_valid(state, ie)


def test_registrations_are_written_as_the_nfe_wants_them():
    assert state_registration_normalize("SP", "110.042.490.114") == "110042490114"
    assert state_registration_normalize("SP", "P-01100424.3/002") == "P011004243002"
    assert state_registration_normalize("RJ", " isento ") == "ISENTO"
    assert not state_registration_valid("RJ", "ISENTO")  # allowed or not by pre-flight, not an IE
