from django.conf import global_settings
from django.db import migrations

# Languages widely spoken among members that Django's own list lacks.
EXTRA_LANGUAGES = {
    "am": "Amharic",
    "ha": "Hausa",
    "yo": "Yoruba",
    "ig": "Igbo",
    "zu": "Zulu",
    "xh": "Xhosa",
    "ny": "Chichewa",
    "sn": "Shona",
    "rw": "Kinyarwanda",
    "so": "Somali",
    "ln": "Lingala",
    "wo": "Wolof",
    "st": "Sesotho",
    "tn": "Setswana",
    "si": "Sinhala",
    "ps": "Pashto",
    "tl": "Filipino",
}


def add_languages(apps, schema_editor):
    Language = apps.get_model("people", "Language")
    names = {code: name for code, name in global_settings.LANGUAGES if "-" not in code}
    names.update(EXTRA_LANGUAGES)
    Language.objects.using(schema_editor.connection.alias).bulk_create(
        [Language(code=code, name=name) for code, name in sorted(names.items())], ignore_conflicts=True
    )


def add_trigram_index(apps, schema_editor):
    """On PostgreSQL, directory search (LIKE '%word%') is served by a trigram index."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS profile_search_text_trgm ON people_profile USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profile_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.RunPython(add_languages, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
