"""Limits that count earlier attempts must count and record in one step, or parallel requests
all read the same count before any of them records (40 lookups at once passed a limit of 10)."""

from django.db import connection


def serialise(key: str) -> None:
    """Make every other transaction that names `key` wait until the caller's one ends.

    Call it inside `transaction.atomic()` before counting. PostgreSQL takes a transaction-level
    advisory lock on the key; SQLite needs nothing more, since the project opens every SQLite
    transaction IMMEDIATE, which takes the database's write lock at its start."""
    if not connection.in_atomic_block:
        raise RuntimeError("serialise() must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    elif connection.vendor == "sqlite":
        if connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
            raise RuntimeError("SQLite transactions must be IMMEDIATE for serialise() to hold")
    else:
        raise NotImplementedError(f"serialise() knows no lock for {connection.vendor}")
