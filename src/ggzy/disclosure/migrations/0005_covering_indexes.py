"""Covering indexes for the portal's lists, and on SQLite one for the search's join.

The search of the SQLite backend joins each FTS5 match to its publication by id to read the
exact time and the filter columns; read from the table, those sit after the body and the
text, in overflow pages. ``pub_facts`` holds them by id (``INDEXED BY`` in ``search``).
PostgreSQL has no use for it: its search reads the tsvector column of the row anyway.
"""

from django.db import migrations, models

FACTS = (
    "CREATE INDEX pub_facts ON disclosure_publication "
    "(id, published_at, category, kind, region_id, centre_id)"
)


def create_facts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FACTS)


def drop_facts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS pub_facts")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('disclosure', '0004_attachment'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='publication',
            name='pub_latest',
        ),
        migrations.RemoveIndex(
            model_name='publication',
            name='pub_category',
        ),
        migrations.RemoveIndex(
            model_name='publication',
            name='pub_kind',
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['-published_at', '-id', 'category', 'kind', 'region', 'centre'], name='pub_latest'),
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['category', '-published_at', '-id', 'kind', 'region', 'centre'], name='pub_category'),
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(fields=['kind', '-published_at', '-id', 'category', 'region', 'centre'], name='pub_kind'),
        ),
        migrations.RunPython(create_facts, drop_facts),
    ]
