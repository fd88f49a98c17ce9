"""Deal confirmations in the file store: ``Auction.confirmation_file`` holds a name relative
to the store's root (it held an absolute path under MEDIA_ROOT)."""

from django.db import migrations

from ggzy.core.files import migrate_names

LAYOUT = "auctions/*/*"


def forward(apps, schema_editor):
    migrate_names(apps.get_model("auctions", "Auction"), "confirmation_file", LAYOUT)


def backward(apps, schema_editor):
    Auction = apps.get_model("auctions", "Auction")
    migrate_names(Auction, "confirmation_file", LAYOUT, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("auctions", "0002_weighted"),
    ]

    operations = [migrations.RunPython(forward, backward)]
