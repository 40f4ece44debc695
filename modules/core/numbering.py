"""Document numbers that never repeat and never skip: taken inside the transaction that writes
the document, so a rolled-back invoice gives its number back."""

from django.db import connection

# Sequence's table; one statement, so no other caller can slip between reading and writing.
NEXT_VALUE_SQL = (
    "INSERT INTO core_sequence (key, last_value) VALUES (%s, 1) "
    "ON CONFLICT (key) DO UPDATE SET last_value = core_sequence.last_value + 1 RETURNING last_value"
)


class NumberingOutsideTransaction(RuntimeError):
    pass


def sequence_next(key: str) -> int:
    """The next number of `key` (`invoice:2026`, `nfe:series-1`), starting at 1.

    One statement, `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the row stays locked until the
    caller's transaction ends, so a concurrent caller waits and gets the number after, and a
    rollback undoes the increment. Outside a transaction the number would be spent before the
    document exists, so that is refused.
    """
    if not connection.in_atomic_block:
        raise NumberingOutsideTransaction("sequence_next must run inside the transaction that uses the number")
    with connection.cursor() as cursor:
        cursor.execute(NEXT_VALUE_SQL, [key])
        return cursor.fetchone()[0]


# `count` numbers at once: the row moves by `count` in the same one statement.
NEXT_VALUES_SQL = (
    "INSERT INTO core_sequence (key, last_value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET last_value = core_sequence.last_value + EXCLUDED.last_value "
    "RETURNING last_value"
)


def sequence_next_many(key: str, count: int) -> range:
    """The next `count` numbers of `key`, consecutive, for a batch of documents written in the
    caller's transaction (a billing run's chunk): what sequence_next gives `count` times, in one
    statement, with the same lock and the same rollback."""
    if not connection.in_atomic_block:
        raise NumberingOutsideTransaction("sequence_next_many must run inside the transaction that uses the numbers")
    if count < 1:
        return range(0)
    with connection.cursor() as cursor:
        cursor.execute(NEXT_VALUES_SQL, [key, count])
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)
