"""modules.core.snapshots: per-process copies that every process drops at the next version."""

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started

from modules.core import snapshots
from modules.core.snapshots import Snapshots, guess_versions, version_bump

pytestmark = pytest.mark.django_db  # a bump also waits for its transaction's commit

VERSION = "test:snapshots"


class Loads:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return {"loaded": self.count}


@pytest.fixture
def request_ends():
    yield
    request_finished.send(sender=None)


def test_it_loads_once_while_nothing_changes():
    load = Loads()
    process = Snapshots()

    assert process.get("k", (VERSION,), load) == {"loaded": 1}
    assert process.get("k", (VERSION,), load) == {"loaded": 1}
    assert load.count == 1


def test_a_bump_reaches_every_process():
    load_a, load_b = Loads(), Loads()
    process_a, process_b = Snapshots(), Snapshots()  # two web processes: only the cache is shared
    process_a.get("k", (VERSION,), load_a)
    process_b.get("k", (VERSION,), load_b)

    version_bump([VERSION])

    assert process_a.get("k", (VERSION,), load_a) == {"loaded": 2}
    assert process_b.get("k", (VERSION,), load_b) == {"loaded": 2}


def test_a_flushed_cache_counts_as_a_change():
    load = Loads()
    process = Snapshots()
    process.get("k", (VERSION,), load)

    caches["platform"].clear()

    assert process.get("k", (VERSION,), load) == {"loaded": 2}


def test_what_a_load_raises_is_not_kept():
    process = Snapshots()

    def missing():
        raise LookupError

    with pytest.raises(LookupError):
        process.get("k", (VERSION,), missing)
    assert process._entries == {}


def test_each_caller_gets_its_own_copy():
    process = Snapshots()
    process.get("k", (VERSION,), Loads())["loaded"] = "changed by a request"

    assert process.get("k", (VERSION,), Loads()) == {"loaded": 1}


def test_a_request_reads_its_versions_once_with_its_guesses(request_ends, monkeypatch):
    reads = []
    real = snapshots.cache.get_many
    monkeypatch.setattr(snapshots.cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    version_bump(["test:guessed"])  # a guess is fetched only if it exists: it never creates a key
    monkeypatch.setattr(snapshots, "_guesses", [lambda environ: ["test:guessed", "test:never-set"]])
    request_started.send(sender=None, environ={})
    process = Snapshots()

    process.get("a", (VERSION,), Loads())
    process.get("b", (VERSION, "test:guessed"), Loads())

    assert reads == [[VERSION, "test:guessed", "test:never-set"]]
    assert caches["platform"].get("test:never-set") is None


def test_outside_a_request_every_read_asks_the_cache(monkeypatch):
    request_finished.send(sender=None)
    reads = []
    real = snapshots.cache.get_many
    monkeypatch.setattr(snapshots.cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    process = Snapshots()

    process.get("a", (VERSION,), Loads())
    process.get("a", (VERSION,), Loads())

    assert len(reads) == 2


def test_guess_versions_registers_a_guess(monkeypatch):
    monkeypatch.setattr(snapshots, "_guesses", [])

    guess_versions(str.split)

    assert snapshots._guesses == [str.split]


def test_a_request_sees_its_own_change(request_ends):
    request_started.send(sender=None, environ={})
    load = Loads()
    process = Snapshots()
    process.get("k", (VERSION,), load)

    version_bump([VERSION])

    assert process.get("k", (VERSION,), load) == {"loaded": 2}
