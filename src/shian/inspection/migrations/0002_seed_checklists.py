"""Seed the first version of the restaurant, producer and seller checklists."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    from shian.inspection import checklists

    Template = apps.get_model("inspection", "ChecklistTemplate")
    Item = apps.get_model("inspection", "ChecklistItem")
    OperatorType = apps.get_model("registry", "OperatorType")
    for code, name, types, items in checklists.TEMPLATES:
        template, created = Template.objects.get_or_create(
            code=code, version=1,
            defaults={"name": name, "active": True, "effective_from": date.fromisoformat(checklists.EFFECTIVE_FROM), "source": checklists.SOURCE})
        if not created:
            continue
        template.operator_types.set(OperatorType.objects.filter(code__in=types))
        Item.objects.bulk_create([Item(template=template, number=n, section=s, text=t, key=k, basis=b, order=i)
                                  for i, (n, s, t, k, b) in enumerate(items)])


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_initial"), ("registry", "0002_seed_and_search")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
