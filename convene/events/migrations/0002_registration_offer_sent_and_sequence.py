"""The offer's mail gets a sent mark (the sweep re-sends an offer whose mail was lost), and each
registration remembers the SEQUENCE it was last e-mailed at (an event's update goes once per change)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mark_what_was_sent(apps, schema_editor):
    """Rows from before: their offers and calendar entries went out (nothing is re-sent)."""
    Registration = apps.get_model("events", "Registration")
    Event = apps.get_model("events", "Event")
    Registration.objects.filter(status="offered").update(offer_sent_at=models.F("updated_at"))
    Registration.objects.update(
        sent_sequence=Subquery(Event.objects.filter(pk=OuterRef("event_id")).values("sequence")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="offer_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="registration",
            name="sent_sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(mark_what_was_sent, migrations.RunPython.noop),
    ]
