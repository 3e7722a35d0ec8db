"""Trigram indexes on the plain columns (searched with ILIKE) instead of UPPER(column)."""

from django.db import migrations

CREATE = [
    "DROP INDEX IF EXISTS registry_operator_name_trgm",
    "DROP INDEX IF EXISTS registry_operator_address_trgm",
    "CREATE INDEX IF NOT EXISTS registry_operator_name_trgm ON registry_operator USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_operator_address_trgm ON registry_operator USING gin (address gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_owner_org_label")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
