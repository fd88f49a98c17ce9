"""Sealed bids in the file store: ``Bid.file`` holds a name relative to the store's root
(it held an absolute path under MEDIA_ROOT), and a completed upload points at its bid (the
retry of a completion found the bid by the upload's path). Uploads still receiving keep their
partial file where it is: ``Upload.path`` is now the local spool file, wherever it lies."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from ggzy.core.files import migrate_names

LAYOUT = "tendering/bids/*/*"


def forward(apps, schema_editor):
    Bid, Upload = apps.get_model("tendering", "Bid"), apps.get_model("tendering", "Upload")
    Upload.objects.filter(status="complete", bid__isnull=True).update(
        bid=Subquery(Bid.objects.filter(file=OuterRef("path")).values("pk")[:1])
    )
    migrate_names(Bid, "file", LAYOUT)


def backward(apps, schema_editor):
    migrate_names(apps.get_model("tendering", "Bid"), "file", LAYOUT, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tendering", "0006_notice_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="bid",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="upload",
                to="tendering.bid",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
