"""``convene serve``: the web server (granian) and the background worker (Huey), together.

Ctrl-C stops both. Used by ``make run``; production runs the two as separate services (see the
Procfile), or this command with several web workers and several Huey processes on one machine.
Only the first Huey process enqueues the periodic tasks (digests, reminders, sweeps): every
consumer that schedules them would enqueue each one again.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from convene.settings import serve_base_url


def serve_environment(environ, *, host: str, port: int) -> dict[str, str]:
    """The web and worker processes' environment: they learn where the site is served, so that the
    links in their e-mails point there (``CONVENE_BASE_URL``, when set, still wins in settings)."""
    return {
        **environ,
        "DJANGO_SETTINGS_MODULE": "convene.settings",
        "CONVENE_SERVE_HOST": host,
        "CONVENE_SERVE_PORT": str(port),
    }


class Command(BaseCommand):
    help = "Serve Convene with granian and run the Huey worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="web worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per web worker")
        parser.add_argument("--no-worker", action="store_true", help="do not start the Huey worker")
        parser.add_argument(
            "--huey-processes",
            type=int,
            default=1,
            help="Huey consumer processes (several need HUEY_REDIS_URL; only the first schedules)",
        )
        parser.add_argument("--huey-threads", type=int, default=2, help="threads per Huey process")

    def handle(self, *args, host, port, workers, threads, no_worker, huey_processes, huey_threads, **options):
        if huey_processes > 1 and "Redis" not in settings.HUEY.get("huey_class", ""):
            raise CommandError("Several Huey processes share one queue only on Redis: set HUEY_REDIS_URL.")
        bin_dir = os.path.dirname(sys.executable)
        env = serve_environment(os.environ, host=host, port=port)
        web = [
            os.path.join(bin_dir, "granian"),
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "--log-level",
            "warning",
            "convene.wsgi:application",
        ]
        children = [subprocess.Popen(web, env=env)]  # noqa: S603 - our own server binary
        if not no_worker:
            for index in range(huey_processes):
                worker = [sys.executable, "-m", "convene", "run_huey"]
                worker += ["--workers", str(huey_threads), "--worker-type", "thread"]
                if index:
                    worker.append("--no-periodic")
                children.append(subprocess.Popen(worker, env=env))  # noqa: S603
        self.stdout.write(
            self.style.SUCCESS(f"Convene is serving at http://{host}:{port}/ (Ctrl-C stops it)")
            + f"\n  database: {settings.DATABASES['default']['NAME']}\n  e-mail: {settings.EMAIL_BACKEND}"
            + f"\n  e-mail links: {serve_base_url(env)}/"
        )

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
        codes = [child.returncode for child in children]
        if any(code not in (0, None, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            raise SystemExit(1)
