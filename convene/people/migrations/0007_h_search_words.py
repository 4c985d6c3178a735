"""The word → person index of directory search (people.SearchWord), built for the existing profiles.

Search now walks this index, so the trigram index on ``search_text`` (0002) has no reader left and is
dropped; going back recreates it, and the word table goes with the model.
"""

import django.db.models.deletion
from django.db import migrations, models

from convene.people.models import search_words

BATCH = 2000


def build_search_words(apps, schema_editor):
    """Every profile's words, written in batches of profiles (by primary key, so memory stays flat)."""
    Profile = apps.get_model("people", "Profile")
    SearchWord = apps.get_model("people", "SearchWord")
    alias = schema_editor.connection.alias
    last = None
    while True:
        profiles = Profile.objects.using(alias).order_by("pk")
        if last is not None:
            profiles = profiles.filter(pk__gt=last)
        batch = list(profiles.values_list("pk", "search_text")[:BATCH])
        if not batch:
            break
        SearchWord.objects.using(alias).bulk_create(
            [SearchWord(profile_id=pk, word=word) for pk, text in batch for word in search_words(text)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        last = batch[-1][0]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE people_searchword")


def words_in_c_collation(apps, schema_editor):
    """Byte order on PostgreSQL, as SQLite has by default: a query word's range ('banda' <= word <
    'bandb') is then exactly the words that start with it, whatever the database's own collation."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE people_searchword ALTER COLUMN word TYPE varchar(64) COLLATE "C"')


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profile_search_text_trgm")


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS profile_search_text_trgm "
            "ON people_profile USING gin (search_text gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_f1_topic_name_translations"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=64)),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_words",
                        to="people.profile",
                        db_index=False,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("word", "profile"), name="searchword_word_profile")
                ],
                "indexes": [models.Index(fields=["profile", "word"], name="searchword_profile_word")],
            },
        ),
        migrations.RunPython(words_in_c_collation, migrations.RunPython.noop),
        migrations.RunPython(build_search_words, migrations.RunPython.noop),
        migrations.RunPython(drop_trigram_index, create_trigram_index),
    ]
