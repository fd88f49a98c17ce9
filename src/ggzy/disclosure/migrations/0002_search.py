"""Full-text search structures (see ggzy.disclosure.search), one per database vendor.

SQLite: the FTS5 table disclosure_fts holding the segmented title and text of each
publication and its filter values as words (facets); its rowid is a sort key
(published second << 31 | id). The ascii tokenizer
splits only on ASCII punctuation and spaces: the words are segmented and cleaned in Python.
PostgreSQL: a tsvector column on the publication table with a GIN index.

Publications that exist before this migration are indexed by search.rebuild().
"""

from django.db import OperationalError, migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE disclosure_fts USING fts5("
    "title, text, facets, tokenize = 'ascii', detail = column)"
)
SQLITE_DROP = "DROP TABLE IF EXISTS disclosure_fts"

POSTGRES_CREATE = (
    "ALTER TABLE disclosure_publication ADD COLUMN search_document tsvector",
    "CREATE INDEX disclosure_publication_search ON disclosure_publication "
    "USING gin (search_document)",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS disclosure_publication_search",
    "ALTER TABLE disclosure_publication DROP COLUMN IF EXISTS search_document",
)


def _run(schema_editor, sqlite, postgres):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = (sqlite,)
    elif vendor == "postgresql":
        statements = postgres
    else:
        raise RuntimeError(f"全文检索不支持该数据库 / no full-text search for {vendor}")
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create(apps, schema_editor):
    try:
        _run(schema_editor, SQLITE_CREATE, POSTGRES_CREATE)
    except OperationalError as exc:
        if "fts5" not in str(exc):
            raise
        raise RuntimeError(
            "此 SQLite 不含 FTS5，无法建立全文检索 / this SQLite lacks FTS5: use a Python "
            "whose sqlite3 module has it, or PostgreSQL"
        ) from exc


def drop(apps, schema_editor):
    _run(schema_editor, SQLITE_DROP, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
