"""On PostgreSQL, the search vector is stored (a generated column) and the GIN index is over it: the
index over the expression made every matching row's text tokenised again (the recheck of a prefix
query), which cost most of a broad search at 100,000 resources (bench/library.py). The model does not
know the column: the database writes it, ``queries.matching`` reads it."""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS resource_search_gin",
    "ALTER TABLE library_resource ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS resource_search_vector_gin ON library_resource USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS resource_search_vector_gin",
    "ALTER TABLE library_resource DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS resource_search_gin ON library_resource "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(forward, backward)]
