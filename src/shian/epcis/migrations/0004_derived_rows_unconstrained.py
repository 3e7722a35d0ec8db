# The derived edge tables reference their event without a database constraint (see shian.epcis.models).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('epcis', '0003_declared_ids_indexed'),
    ]

    operations = [
        migrations.AlterField(
            model_name='eventidentifier',
            name='event',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='identifiers', to='epcis.epcisevent', verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='eventtransaction',
            name='event',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='transactions', to='epcis.epcisevent', verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='sourcedest',
            name='event',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='sources_destinations', to='epcis.epcisevent', verbose_name='event'),
        ),
    ]
