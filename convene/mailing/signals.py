"""What the sending side tells the apps above it, which it does not know (the E-Update's issue).

``mailing_started`` is sent inside the transaction that wrote the delivery rows: a receiver's writes
commit with them or not at all."""

from django.dispatch import Signal

# sender=Mailing, mailing=the mailing, started_by=the person
mailing_started = Signal()
