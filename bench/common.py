"""What every benchmark shares: result rows, timing, a test SMTP server in
another process, and databases filled fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One line of the table: a figure, its value and how it compares."""

    figure: str
    value: float
    unit: str
    baseline: float | None = None  # same unit, measured in the same run
    ratio: float | None = None  # the figure's own sense: higher or lower is better
    target: str = ""
    ok: bool | None = None
    note: str = ""

    def emit(self) -> None:
        """Print as one JSON line; the runner collects them."""
        print("ROW " + json.dumps(asdict(self)), flush=True)


def run_parts(module: str, parts: list[str], quick: bool) -> None:
    """Run ``python -m module --part NAME`` for each part, each in a process
    of its own (one's threads and caches never touch another's figures), and
    pass their rows on; a part that fails gives a row saying so."""
    for name in parts:
        proc = subprocess.run(
            [sys.executable, "-m", module, "--part", name] + (["--quick"] if quick else []),
            cwd=ROOT,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            check=False,
            capture_output=True,
            text=True,
        )
        rows = [line for line in proc.stdout.splitlines() if line.startswith("ROW ")]
        for line in rows:
            print(line, flush=True)
        if proc.returncode != 0 or not rows:
            tail = " / ".join(proc.stderr.strip().splitlines()[-3:])
            Row(f"{module} {name}", float("nan"), "", ok=False, note="failed: " + tail).emit()


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def fill_contacts(url: str, count: int, folder: str = "Everyone") -> None:
    """``count`` valid contacts in one folder, inserted set-based."""
    from sqlalchemy import insert, select

    from mailapp.models import Contact, Folder, FolderMember
    from mailapp.models.base import utcnow
    from mailapp.services.context import AppContext

    ctx = AppContext.open(url)
    now = utcnow()
    with ctx.db.write() as session:
        folder_row = Folder(name=folder)
        session.add(folder_row)
        session.flush()
        chunk = 50_000
        for start in range(0, count, chunk):
            session.execute(
                insert(Contact),
                [
                    {
                        "email": f"user{n}@example.com",
                        "email_key": f"user{n}@example.com",
                        "email_status": "valid",
                        "first_name": f"Name{n}",
                        "last_name": "Example",
                        "fields": {},
                        "unsubscribed": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start, min(count, start + chunk))
                ],
            )
        ids = session.scalars(select(Contact.id).order_by(Contact.id)).all()
        for start in range(0, len(ids), chunk):
            session.execute(
                insert(FolderMember),
                [
                    {"folder_id": folder_row.id, "contact_id": cid, "added_at": now}
                    for cid in ids[start : start + chunk]
                ],
            )
    ctx.db.dispose()


HTML = (
    "<html><body><h1>Hello {{ contact.first_name }}!</h1>"
    + "<p>Our autumn collection is here: coats, boots and scarves at the prices you like."
    " <a href='https://shop.example.com/autumn'>See the collection</a>.</p>" * 8 + "</body></html>"
)


SUBJECT = "Autumn news for {{ contact.first_name }}"


def engine_message(template: Any, n: int) -> bytes:
    """The message the engine builds for the n-th contact of
    :func:`fill_contacts` from ``compile_template(SUBJECT, HTML)``."""
    from mailapp.delivery.message import build_message, make_message_id

    contact = {"email": f"user{n}@example.com", "first_name": f"Name{n}", "last_name": "Example"}
    rendered = template.render(contact, "Benchmark", "")
    return build_message(
        sender_name="Shop",
        sender_email="news@shop.example.com",
        to=contact["email"],
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        message_id=make_message_id("shop.example.com"),
        unsubscribe_url="",
        mailing_id=1,
    )


def sending_mailing(ctx: Any, host: str, port: int, name: str, **settings: str) -> int:
    """Point the provider at the benchmark's SMTP server (no delay) and make
    a draft mailing to the folder :func:`fill_contacts` filled."""
    from mailapp.services import mailings
    from mailapp.services import settings as settings_service
    from mailapp.services.mailings import MailingInput

    settings_service.set_many(
        ctx,
        {
            "Provider": "smtp",
            "SmtpHost": host,
            "SmtpPort": str(port),
            "SmtpSecurity": "none",
            "MandrillMailingDelayInSeconds": "0",
            **settings,
        },
    )
    return mailings.create(
        ctx,
        MailingInput(
            name=name,
            subject=SUBJECT,
            sender_email="news@shop.example.com",
            sender_name="Shop",
            html=HTML,
            folders=("Everyone",),
        ),
    )


def mailing_with_recipients(
    url: str,
    count: int,
    state: str,
    recipient: Callable[[int, datetime], dict[str, Any]],
    **mailing: Any,
) -> int:
    """A mailing in ``state`` with ``count`` recipient rows inserted
    set-based; ``recipient(n, now)`` gives the columns of the n-th beyond
    the mailing, address and times."""
    from sqlalchemy import insert

    from mailapp.models import Mailing, Recipient
    from mailapp.models.base import utcnow
    from mailapp.services.context import AppContext

    ctx = AppContext.open(url)
    now = utcnow()
    with ctx.db.write() as session:
        row = Mailing(
            name="A million",
            kind="bulk",
            state=state,
            sender_email="news@shop.example.com",
            subject="Hello",
            html="<p>Hello</p>",
            state_changed_at=now,
            **mailing,
        )
        session.add(row)
        session.flush()
        mailing_id = row.id
        chunk = 100_000
        for start in range(0, count, chunk):
            session.execute(
                insert(Recipient),
                [
                    {
                        "mailing_id": mailing_id,
                        "email": f"user{n}@example.com",
                        "created_at": now,
                        "updated_at": now,
                        **recipient(n, now),
                    }
                    for n in range(start, min(count, start + chunk))
                ],
            )
    ctx.db.dispose()
    return mailing_id
