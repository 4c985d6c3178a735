"""``convene mailing_send <id>``: send what is pending of a mailing in this process (what the task does;
``--take-over`` after a worker known to be dead, without waiting for its lease to run out)."""

from django.core.management.base import BaseCommand

from convene.mailing.sending import send_mailing


class Command(BaseCommand):
    help = "Send the pending deliveries of a mailing."

    def add_arguments(self, parser):
        parser.add_argument("mailing", type=int)
        parser.add_argument("--take-over", action="store_true")

    def handle(self, *args, mailing, take_over, **options):
        sent = send_mailing(mailing, take_over=take_over)
        self.stdout.write(f"{sent} sent")
