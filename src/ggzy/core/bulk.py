"""Many rows of one model with one prepared statement (``executemany``).

``bulk_create`` assembles one long statement with a placeholder per value and spends more
time building it than the database spends inserting; a batch of bids and their ledger
entries goes through here instead. Values are prepared exactly as the ORM prepares them;
an auto-increment key is left to the database (the objects' ``pk`` stays unset).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models


def insert_all(objs: Sequence[models.Model]) -> None:
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: one look-up, not one per value
    meta = type(objs[0])._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names come from the model, never from input; the values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in objs:  # saved now: a later save() must not insert them again
        obj._state.adding = False
        obj._state.db = connection.alias
