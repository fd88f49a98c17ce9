"""Award and result letters in the file store: ``Letter.file`` holds a name relative to the
store's root (it held an absolute path under MEDIA_ROOT)."""

from django.db import migrations

from ggzy.core.files import migrate_names

LAYOUT = "awards/*/*"


def forward(apps, schema_editor):
    migrate_names(apps.get_model("awards", "Letter"), "file", LAYOUT)


def backward(apps, schema_editor):
    migrate_names(apps.get_model("awards", "Letter"), "file", LAYOUT, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
