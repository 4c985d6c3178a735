"""The default levels of a results framework (goal → outcome → output → activity); the secretariat
can rename, add or remove levels in the back office."""

from django.db import migrations

LEVELS = [("Goal", 0, 3), ("Outcome", 1, 2), ("Output", 2, 1), ("Activity", 3, 9)]


def create(apps, schema_editor):
    ResultLevel = apps.get_model("results", "ResultLevel")
    for name, depth, iati_type in LEVELS:
        ResultLevel.objects.using(schema_editor.connection.alias).get_or_create(
            depth=depth, defaults={"name": name, "iati_type": iati_type}
        )


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
