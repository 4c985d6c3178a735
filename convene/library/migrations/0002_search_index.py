"""The full-text index of the library's search on PostgreSQL: a GIN index over
``to_tsvector('simple', search_text)``, the expression ``queries.matching`` filters on. SQLite has no
such index; the search there is a LIKE over the same folded text."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS resource_search_gin ON library_resource "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)
DROP = "DROP INDEX IF EXISTS resource_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
