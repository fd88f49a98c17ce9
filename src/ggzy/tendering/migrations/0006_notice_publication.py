import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("tendering", "0005_bid_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="publication",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tendering_notice",
                to="disclosure.publication",
            ),
            preserve_default=False,
        ),
    ]
