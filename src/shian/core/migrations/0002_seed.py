"""Create the audit chain head and seed the holiday calendar."""

from django.db import migrations


def seed(apps, schema_editor):
    from shian.core import holidays

    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1)
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    for day, kind, name, source in holidays.rows():
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name, "source": source})
    for year, source in holidays.SOURCES.items():
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
