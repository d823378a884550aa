"""``mailapp worker``: the sending engine without a window, for servers.

The worker runs until SIGINT or SIGTERM. On the signal it calls
:meth:`MailEngine.stop`, which lets SMTP transactions in flight finish and
gives every other claim back, so a service manager's ordinary stop never
leaves a recipient ``unconfirmed``. A ``kill -9`` cannot be caught; the next
worker settles the dead one's claims from the database.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from mailapp import logs
from mailapp.paths import outbox_dir
from mailapp.priority import run_below
from mailapp.scheduler.engine import MailEngine
from mailapp.scheduler.listener import ListenError, UnsubscribeListener
from mailapp.services import settings as settings_service
from mailapp.services import workers as workers_service
from mailapp.services.context import AppContext
from mailapp.services.provider import ProviderError

log = logging.getLogger("mailapp.worker")


def _setup_logging() -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_mailapp_cli", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler._mailapp_cli = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    logs.to_file("worker")


def _describe_provider(ctx: AppContext, engine: MailEngine) -> str:
    """Where mail goes; starts the sandbox now so its port can be shown."""
    settings = settings_service.load(ctx)
    if settings.provider == "sandbox":
        try:
            config = engine.provider.config(settings)
        except ProviderError as exc:
            return f"sandbox unavailable: {exc}"
        return f"provider sandbox: {config.host}:{config.port}, outbox {outbox_dir()}"
    return (
        f"provider smtp: {settings.smtp_host or '(SmtpHost not set)'}:{settings.smtp_port}, "
        f"security {settings.smtp_security}"
    )


#: How far a worker started by a window steps back from it (``nice``).
WINDOW_WORKER_NICE = 10


def _watch_window(window_gone: threading.Event) -> None:
    """The window keeps our standard input open while it lives."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    window_gone.set()


def run_worker(
    db_url: str, *, for_window: bool = False, listen: tuple[str, int] | None = None
) -> int:
    """Send until SIGINT/SIGTERM; ``for_window``: also until the window that
    started this worker is gone and nothing is left to send. ``listen``:
    also serve the unsubscribe endpoint there; an address that cannot be
    listened on is refused before anything starts."""
    _setup_logging()
    ctx = AppContext.open(db_url)
    listener = None
    if listen is not None:
        listener = UnsubscribeListener(ctx, *listen)
        try:
            host, port = listener.start()
        except ListenError:
            ctx.db.dispose()
            raise
        where_http = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    stop_requested = threading.Event()
    window_gone = threading.Event()
    if for_window:
        # A marketer's window matters more than a few messages a second.
        run_below(WINDOW_WORKER_NICE)
        threading.Thread(
            target=_watch_window, args=(window_gone,), name="window-watch", daemon=True
        ).start()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop_requested.is_set():
            log.info("already stopping; waiting for messages in flight")
            return
        log.info("%s received: finishing messages in flight", signal.Signals(signum).name)
        stop_requested.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    engine = MailEngine(ctx)
    try:
        where = _describe_provider(ctx, engine)
        engine.start()
        ready = f"mailapp worker ready ({where})\n"
        if listener is not None:
            ready += f"unsubscribe endpoint on {where_http}/u/TOKEN\n"
        # One write: whoever waits for the ready line finds the rest with it.
        sys.stdout.write(ready)
        sys.stdout.flush()
        log.info("worker %s ready on %s", engine.process_id, ctx.db.dialect)
        while not stop_requested.wait(0.5):
            if window_gone.is_set() and not workers_service.work_left(ctx):
                log.info("the window is closed and nothing is left to send")
                break
    finally:
        if listener is not None:
            listener.stop()
        engine.stop()
        ctx.db.dispose()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("worker stopped")
    sys.stdout.write("mailapp worker stopped\n")
    sys.stdout.flush()
    return 0
