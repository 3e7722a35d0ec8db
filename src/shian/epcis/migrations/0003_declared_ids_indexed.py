# Only declared eventIDs are unique-indexed; an assigned ID (ni:///sha-256;<content hash>?ver=CBV2.0) is found
# through the content hash. Existing events whose ID is of the assigned form for their own content are marked assigned.

from django.db import migrations, models
from django.db.models.functions import Concat

PREFIX, SUFFIX = "ni:///sha-256;", "?ver=CBV2.0"


def mark_assigned(apps, schema_editor):
    event = apps.get_model("epcis", "EpcisEvent")
    assigned = Concat(models.Value(PREFIX), models.F("content_hash"), models.Value(SUFFIX), output_field=models.CharField())
    event.objects.filter(event_id=assigned).update(assigned_id=True)


class Migration(migrations.Migration):

    dependencies = [
        ("epcis", "0002_one_identifier_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="epcisevent",
            name="assigned_id",
            field=models.BooleanField(default=False, verbose_name="event ID assigned by the repository"),
        ),
        migrations.RunPython(mark_assigned, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="epcisevent",
            constraint=models.UniqueConstraint(condition=models.Q(("assigned_id", False)), fields=("event_id",), name="epcis_event_declared_id_unique",
                                               violation_error_message="This event ID is already stored."),
        ),
        migrations.RemoveConstraint(
            model_name="epcisevent",
            name="epcis_event_id_unique",
        ),
    ]
