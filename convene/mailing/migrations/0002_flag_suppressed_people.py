"""People whose address is already suppressed get the flag the "fix your address" banner reads; the
receiver's log names the threads started by writing to a group's address."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower


def flag(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Suppression = apps.get_model("mailing", "Suppression")
    active = Suppression.objects.filter(lifted_at__isnull=True, email=OuterRef("email_lower"))
    Person.objects.annotate(email_lower=Lower("email")).filter(Exists(active)).update(
        bulk_mail_suppressed=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0001_initial"),
        ("people", "0008_person_bulk_mail_suppressed"),
    ]

    operations = [
        migrations.RunPython(flag, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="inboundmessage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("bounce", "Bounce"),
                    ("complaint", "Complaint"),
                    ("reply", "Reply"),
                    ("thread", "New thread"),
                    ("refused", "Refused"),
                ],
                max_length=10,
            ),
        ),
    ]
