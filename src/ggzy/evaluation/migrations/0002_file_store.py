"""Evaluation reports in the file store: ``Evaluation.report_file`` holds a name relative to
the store's root (it held an absolute path under MEDIA_ROOT)."""

from django.db import migrations

from ggzy.core.files import migrate_names

LAYOUT = "evaluation/*/*"


def forward(apps, schema_editor):
    migrate_names(apps.get_model("evaluation", "Evaluation"), "report_file", LAYOUT)


def backward(apps, schema_editor):
    Evaluation = apps.get_model("evaluation", "Evaluation")
    migrate_names(Evaluation, "report_file", LAYOUT, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
