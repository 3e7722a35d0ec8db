"""Seed the risk rules table from shian.risk.rules (factors with their sources, grade bands, parameters)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from shian.risk import rules

    RiskFactor = apps.get_model("risk", "RiskFactor")
    GradeBand = apps.get_model("risk", "GradeBand")
    RiskParameter = apps.get_model("risk", "RiskParameter")
    for s in rules.FACTORS:
        RiskFactor.objects.update_or_create(code=s.code, defaults={
            "kind": s.kind, "name": s.name, "weight": s.weight, "cap": s.cap, "points": s.points, "source": s.source.text,
            "confidence": s.source.confidence, "note": s.note, "order": s.order})
    for grade, lower, upper in rules.BANDS:
        GradeBand.objects.update_or_create(grade=grade, defaults={"lower": lower, "upper": upper, "source": rules.BANDS_SOURCE.text,
                                                                  "confidence": rules.BANDS_SOURCE.confidence})
    for p in rules.PARAMETERS:
        RiskParameter.objects.update_or_create(code=p.code, defaults={"name": p.name, "value": p.value, "source": p.source.text,
                                                                      "confidence": p.source.confidence})


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0002_rules_table_history_warnings_targeting"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
