"""Seed operator types and food categories; on PostgreSQL add trigram indexes for search."""

from django.db import migrations


def seed(apps, schema_editor):
    from shian.registry import categories

    OperatorType = apps.get_model("registry", "OperatorType")
    FoodCategory = apps.get_model("registry", "FoodCategory")
    for code, name in categories.OPERATOR_TYPES:
        OperatorType.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, source in categories.FOOD_CATEGORIES:
        FoodCategory.objects.update_or_create(code=code, defaults={"name": name, "source": source})


TRGM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_operator_name_trgm ON registry_operator USING gin (upper(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_operator_address_trgm ON registry_operator USING gin (upper(address) gin_trgm_ops)",
]
TRGM_DROP = [
    "DROP INDEX IF EXISTS registry_operator_name_trgm",
    "DROP INDEX IF EXISTS registry_operator_address_trgm",
]


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRGM:
            schema_editor.execute(sql)


def trigram_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRGM_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(trigram, trigram_drop),
    ]
