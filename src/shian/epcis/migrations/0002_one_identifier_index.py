# One index on the edge table for equality, role and prefix lookups (capture writes several rows per event).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("epcis", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="eventidentifier",
            name="epcis_ident_idx",
        ),
        migrations.RemoveIndex(
            model_name="eventidentifier",
            name="epcis_ident_role_idx",
        ),
        migrations.AddIndex(
            model_name="eventidentifier",
            index=models.Index(fields=["identifier", "role"], name="epcis_ident_role_idx2", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ),
    ]
