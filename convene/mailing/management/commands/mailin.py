"""``convene mailin``: the inbound mail receiver, an LMTP (or SMTP) server on aiosmtpd that a mail server
such as Postfix hands bounces and replies to (convene/mailing/inbound.py decides what each one is).

Postfix, for example (one recipient per delivery, so each gets its own answer)::

    transport_maps: example.org  lmtp:inet:127.0.0.1:8024
    lmtp_destination_recipient_limit = 1
"""

import asyncio
import signal

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.core.management.base import BaseCommand

from convene.mailing import inbound

MAX_BYTES = 10 * 1024 * 1024


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if not await sync_to_async(inbound.accepts)(address):
            return "550 5.1.1 No such address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        answers = [
            await sync_to_async(inbound.handle, thread_sensitive=True)(
                mail_from=envelope.mail_from or "",
                rcpt=rcpt,
                data=envelope.original_content or envelope.content,
            )
            for rcpt in envelope.rcpt_tos
        ]
        refused = [a for a in answers if not a.startswith("250")]
        return refused[0] if refused else answers[0]


class LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, data_size_limit=MAX_BYTES, enable_SMTPUTF8=True)


class SMTPController(Controller):
    def factory(self):
        return SMTP(self.handler, data_size_limit=MAX_BYTES, enable_SMTPUTF8=True)


def controller(*, host: str, port: int, lmtp: bool = True) -> Controller:
    kind = LMTPController if lmtp else SMTPController
    return kind(Handler(), hostname=host, port=port)


class Command(BaseCommand):
    help = "Receive bounces and replies by LMTP (or SMTP) from the mail server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8024)
        parser.add_argument("--smtp", action="store_true", help="Speak SMTP instead of LMTP.")

    def handle(self, *args, host, port, smtp, **options):
        server = controller(host=host, port=port, lmtp=not smtp)
        server.start()
        self.stdout.write(f"Receiving {'SMTP' if smtp else 'LMTP'} on {host}:{port}")
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            loop.run_until_complete(stop.wait())
        finally:
            server.stop()
