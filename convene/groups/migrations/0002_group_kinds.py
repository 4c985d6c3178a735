from django.db import migrations

KINDS = [
    # name, slug, leads, lead title, work plan due (days), workable size
    ("Interest group", "interest-group", 2, "co-chair", 90, None),
    ("Working group", "working-group", 1, "coordinator", 90, 15),
    ("Task force", "task-force", 1, "coordinator", 60, 10),
    ("Committee", "committee", 2, "co-chair", 90, None),
]


def add_kinds(apps, schema_editor):
    GroupKind = apps.get_model("groups", "GroupKind")
    for name, slug, leads, title, due, size in KINDS:
        GroupKind.objects.using(schema_editor.connection.alias).get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cochairs_required": leads,
                "lead_title": title,
                "workplan_due_days": due,
                "default_max_size": size,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
