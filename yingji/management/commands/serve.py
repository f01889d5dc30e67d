"""``yingji serve``: the production web server (waitress) with the worker loop in the same process."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from yingji.deadlines.worker import run_forever


class Command(BaseCommand):
    help = "Serve Yingji with a production HTTP server (waitress) and run the deadline worker beside it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not run the worker in this process"
        )

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        """Recover interrupted jobs, start the worker thread (unless ``no_worker``), then serve.

        ``threads`` is waitress's number of request threads. A request body
        larger than the largest upload limit (``YINGJI_UPLOAD_MAX_BYTES``)
        plus 10 MiB is refused by waitress before it is read. SIGTERM or
        Ctrl-C stop the server and then the worker (waited for up to 5 s).
        """
        from waitress.server import create_server

        from yingji.jobs import recover_interrupted
        from yingji.wsgi import application

        # Jobs a dead process left running (a crash, a kill) are marked interrupted first.
        recover_interrupted()
        stop = threading.Event()
        worker = None
        if not no_worker:
            worker = threading.Thread(
                target=run_forever,
                args=(stop, settings.YINGJI_WORKER_INTERVAL_S),
                name="yingji-worker",
                daemon=True,
            )
            worker.start()
        # A request body larger than the largest upload allowed is refused before it is read.
        largest = max(settings.YINGJI_UPLOAD_MAX_BYTES.values()) + 10 * 2**20
        server = create_server(
            application,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=largest,
        )
        self.stdout.write(f"Yingji: http://{host}:{port}/  (Ctrl-C to stop)")

        def shutdown(*_: object) -> None:
            stop.set()
            server.close()

        signal.signal(signal.SIGTERM, shutdown)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=5)
