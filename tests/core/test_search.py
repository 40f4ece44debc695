"""Accent and case folding: what Python makes of the words searched for must be exactly what
PostgreSQL makes of the text searched, or a search misses."""

import random
import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.db.models.sql import Query

from modules.core.search import FOLD_FROM, fold, folded, search_query


def fold_in_postgresql(text: str) -> str:
    """SELECT folded('<text>'), through the same expression builder the models and filters use."""
    query = Query(None)
    sql, params = folded(Value(text)).resolve_expression(query).as_sql(query.get_compiler("default"), connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("typed", "expected"), [
    ("João Conceição", "joao conceicao"),
    ("PADARIA SÃO JOSÉ", "padaria sao jose"),
    ("Ação, Pão de Açúcar", "acao, pao de acucar"),
    ("José Núñez Peña", "jose nunez pena"),
    ("Muñoz Güemes", "munoz guemes"),
    ("Nº 1ª", "no 1a"),
    ("Łódź Øresund", "lodz oresund"),
    ("Joa\u0303o", "joao"),  # typed decomposed: a + combining tilde
])
def test_it_folds_accents_and_case(typed, expected):
    assert fold(typed) == expected


@pytest.mark.django_db
def test_postgresql_folds_every_character_of_the_map_as_python_does():
    characters = list(FOLD_FROM)

    in_postgresql = fold_in_postgresql("|".join(characters)).split("|")

    disagreements = {
        f"{char} U+{ord(char):04X}": (fold(char), sql)
        for char, sql in zip(characters, in_postgresql, strict=True) if fold(char) != sql
    }
    assert disagreements == {}


@pytest.mark.django_db
def test_postgresql_folds_random_latin_text_as_python_does():
    latin = [chr(code) for code in range(0x20, 0x7F)] + [chr(code) for code in range(0xA0, 0x180)]
    randomly = random.Random(7)
    texts = ["".join(randomly.choices(latin, k=80)) for _ in range(50)]
    texts += [unicodedata.normalize("NFD", text) for text in texts[:10]]

    for text in texts:
        assert fold_in_postgresql(text) == fold(text), text


def test_search_words_are_folded_prefixes():
    query = search_query("Conceição SÃO")

    assert query.get_source_expressions()[-1] == Value("conceicao:* & sao:*")
    assert query == search_query("conceicao sao")


@pytest.mark.django_db
def test_the_migrations_carry_the_map_the_code_folds_with():
    """Search documents are generated columns: a map changed without a migration would leave
    every stored document folded the old way."""
    call_command("makemigrations", "crm", "--check", "--dry-run", verbosity=0)
