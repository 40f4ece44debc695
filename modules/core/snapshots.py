"""Rows every request reads (its tenant, its user), kept in each process and checked against
version tokens in the shared "platform" cache.

A request pays one cache round trip for its versions instead of a query per row. A change sets
a new random token, right away and again when its transaction commits, so every process
reloads on its very next request: no TTL is involved. A reader that raced the change stored
its copy under the old token, which nobody asks for again.

The tokens must be seen by every process: the platform cache is Redis whenever REDIS_CACHE_URL
is set (production, `make run`); the in-memory fallback is for a single process.
"""

import copy
import uuid
from collections.abc import Callable, Iterable

from asgiref.local import Local
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import post_save

cache = caches["platform"]

# Versions already read by the current request, so its tenant, time zone and user cost one
# round trip between them. None outside a request: tasks and commands read them every time.
_request = Local()
# Guesses, from a request's WSGI environ, at versions it will ask for later (its token's user):
# read along with its first ones. A guess is never trusted, only fetched early.
_guesses: list[Callable[[dict], list[str]]] = []


def guess_versions(guess: Callable[[dict], list[str]]) -> None:
    _guesses.append(guess)


def _request_began(environ=None, **kwargs) -> None:
    _request.versions = {}
    _request.guessed = [key for guess in _guesses for key in guess(environ or {})]


def _request_ended(**kwargs) -> None:
    _request.versions = None


request_started.connect(_request_began, dispatch_uid="snapshots-request-began")
request_finished.connect(_request_ended, dispatch_uid="snapshots-request-ended")


def _new_token() -> str:
    return uuid.uuid4().hex


def _versions(keys: tuple[str, ...]) -> tuple:
    known = getattr(_request, "versions", None)
    found = dict(known) if known is not None else {}
    missing = [key for key in keys if key not in found]
    if missing:
        guessed = [key for key in getattr(_request, "guessed", ()) if key not in found and key not in missing]
        _request.guessed = ()
        found.update(cache.get_many(missing + guessed))
        for key in missing:
            if key not in found:  # never set, or the cache was flushed: racing readers agree via add()
                cache.add(key, _new_token(), timeout=None)
                found[key] = cache.get(key)
        if known is not None:
            known.update(found)
    return tuple(found[key] for key in keys)


def version_bump(keys: Iterable[str]) -> None:
    """Invalidate every snapshot read under these versions, in every process."""
    keys = list(keys)

    def bump() -> None:
        tokens = {key: _new_token() for key in keys}
        cache.set_many(tokens, timeout=None)
        known = getattr(_request, "versions", None)
        if known is not None:  # the request that made the change sees it too
            known.update(tokens)

    # Now, so no process keeps using what it has; and again after the commit, since a reader in
    # between may have loaded the rows as they were before it.
    bump()
    transaction.on_commit(bump)


class AnnouncedQuerySet(models.QuerySet):
    """`update()` (and `bulk_update()`, which calls it) sends no signal: it announces each row it
    changed as a save would, so no process keeps a copy that a bulk change made stale."""

    def update(self, **kwargs) -> int:
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        for pk in pks:
            post_save.send(sender=self.model, instance=self.model(pk=pk), created=False,
                           update_fields=frozenset(kwargs), raw=False, using=self.db)
        return count


class Snapshots:
    """A process's copies of one kind of row, each tagged with the versions it was loaded under."""

    def __init__(self, *, max_entries: int = 10_000):
        self.max_entries = max_entries
        self._entries: dict[str, tuple[tuple, object]] = {}

    def get(self, key: str, versions: tuple[str, ...], load: Callable[[], object]):
        """The snapshot of `key`, loaded again when any of `versions` changed. What `load` raises
        is not kept, so unknown keys never fill the process's memory. Returns a copy: a request
        may change its objects without the next request seeing it."""
        current = _versions(versions)
        entry = self._entries.get(key)
        if entry is None or entry[0] != current:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            entry = self._entries[key] = (current, load())
        return copy.copy(entry[1])
