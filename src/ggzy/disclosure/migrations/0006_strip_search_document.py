"""PostgreSQL: the search document without positions or weights (``strip``), kept in the
row (storage MAIN: the body and the text go to the TOAST table first). Nothing ranks results
or matches phrases; a search walking recent rows then reads the words from the rows it
visits instead of one TOAST lookup per row. Rewrites every row: minutes on a million."""

from django.db import migrations


def strip(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE disclosure_publication ALTER COLUMN search_document SET STORAGE MAIN"
        )
        schema_editor.execute(
            "UPDATE disclosure_publication SET search_document = strip(search_document) "
            "WHERE search_document IS NOT NULL"
        )


def unstrip(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE disclosure_publication ALTER COLUMN search_document SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0005_covering_indexes")]

    operations = [migrations.RunPython(strip, unstrip)]
