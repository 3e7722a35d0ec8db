"""Seed the food groups and the limits table (a subset of GB 2763-2021, GB 2762-2022, GB 29921-2021)."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from shian.sampling import limits_seed

    FoodGroup = apps.get_model("sampling", "FoodGroup")
    Limit = apps.get_model("sampling", "Limit")
    groups = {}
    for code, name, parent, categories in limits_seed.FOOD_GROUPS:
        groups[code], _created = FoodGroup.objects.update_or_create(
            code=code, defaults={"name": name, "parent": groups[parent] if parent else None, "category_codes": categories})
    for standard, clause, kind, item_code, item, group, value, unit, basis, confidence, note in limits_seed.MAXIMA:
        Limit.objects.update_or_create(
            food_group=groups[group], item_code=item_code, active=True,
            defaults={"standard": standard, "clause": clause, "kind": kind, "item": item, "value": Decimal(value), "unit": unit, "basis": basis,
                      "confidence": confidence, "note": note or limits_seed.SOURCE_NOTE})
    for standard, clause, item_code, item, group, n, c, m, big_m, unit, confidence, note in limits_seed.PLANS:
        Limit.objects.update_or_create(
            food_group=groups[group], item_code=item_code, active=True,
            defaults={"standard": standard, "clause": clause, "kind": limits_seed.B, "item": item, "n": n, "c": c, "m": Decimal(m),
                      "big_m": Decimal(big_m) if big_m else None, "unit": unit, "confidence": confidence,
                      "note": note or limits_seed.SOURCE_NOTE})


def unseed(apps, schema_editor):
    apps.get_model("sampling", "Limit").objects.all().delete()
    apps.get_model("sampling", "FoodGroup").objects.filter(parent__isnull=False).delete()
    apps.get_model("sampling", "FoodGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sampling", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
