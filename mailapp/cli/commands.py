"""One function per command: parse the user's words, call a service, print.

Each handler takes the parsed arguments and the database URL and returns
the exit status. Refusals travel as exceptions (:class:`Refused` and
friends) up to :func:`mailapp.cli.main`, which prints them and returns 1;
the services check everything before they write, so a refusal leaves the
database as it was.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from mailapp.cli.output import (
    RESPONSE_NAMES,
    local_time,
    print_json,
    print_table,
    response_name,
    state_name,
)
from mailapp.models import MailingKind, MailingState, Refused, Response, StopAction
from mailapp.models.settings import SettingDef
from mailapp.services.context import AppContext
from mailapp.services.mailing_list import MailingInfo

OK = 0


#: Contexts opened by the running command; :func:`close_all` disposes them so
#: that ``main()`` called many times in one process (tests, scripts) leaves no
#: connection pools behind.
_opened: list[AppContext] = []


def open_context(db_url: str) -> AppContext:
    """The services over ``db_url``, disposed of when the command ends."""
    ctx = AppContext.open(db_url)
    _opened.append(ctx)
    return ctx


def close_all() -> None:
    while _opened:
        _opened.pop().db.dispose()


def parse_time(text: str, what: str = "Time") -> datetime:
    """ISO 8601 to an aware UTC time; a time without a zone is local time,
    because that is what a person typing "2025-03-01 09:00" means."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise Refused(
            "time_invalid",
            f"{what} {text!r} is not an ISO 8601 time (for example 2025-03-01T09:00 "
            "or 2025-03-01T09:00+03:00)",
        ) from None
    if value.tzinfo is None:
        value = value.astimezone()  # the machine's local zone, with its DST rules
    return value.astimezone(UTC)


# --- gui and worker ---------------------------------------------------------


def cmd_gui(args: argparse.Namespace, db_url: str) -> int:
    try:
        from mailapp.ui.app import run_gui
    except ImportError as exc:
        raise Refused(
            "gui_unavailable", f"The desktop window cannot be opened here: {exc}"
        ) from None
    return int(run_gui(db_url))


def cmd_worker(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli.worker import run_worker

    return run_worker(db_url, for_window=args.for_window, listen=args.listen)


# --- settings -------------------------------------------------------------


def _setting(code: str) -> SettingDef:
    """The definition of ``code``, or a refusal naming the known codes."""
    from mailapp.models.settings import SETTINGS

    if code not in SETTINGS:
        raise Refused(
            "setting_unknown", f"Unknown setting {code!r}; known settings: {', '.join(SETTINGS)}"
        )
    return SETTINGS[code]


def cmd_settings_list(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.models.settings import SETTINGS
    from mailapp.services import settings as settings_service

    ctx = open_context(db_url)
    values = settings_service.values(ctx)
    if args.json:
        print_json(values)
        return OK
    rows = []
    for code, definition in SETTINGS.items():
        value = values[code]
        text = definition.format(value)
        marker = "" if value != definition.default else " (default)"
        rows.append((code, (text if text else '""') + marker, definition.description))
    print_table(("SETTING", "VALUE", "MEANING"), rows)
    return OK


def cmd_settings_get(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import settings as settings_service

    definition = _setting(args.code)
    ctx = open_context(db_url)
    print(definition.format(settings_service.get(ctx, args.code)))
    return OK


def cmd_settings_set(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import settings as settings_service

    definition = _setting(args.code)
    definition.parse(args.value)  # refuse a bad value before opening anything
    ctx = open_context(db_url)
    settings_service.set_value(ctx, args.code, args.value)
    print(f"{args.code} = {definition.format(settings_service.get(ctx, args.code))}")
    return OK


def read_password(what: str = "SMTP") -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"{what} password: ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def cmd_settings_set_password(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.delivery.credentials import set_password
    from mailapp.services import settings as settings_service

    ctx = open_context(db_url)
    current = settings_service.load(ctx)
    missing = [
        code
        for code, value in (("SmtpHost", current.smtp_host), ("SmtpUser", current.smtp_user))
        if not value
    ]
    if missing:
        raise Refused(
            "smtp_not_set",
            "Set "
            + " and ".join(missing)
            + " first, for example: mailapp settings set SmtpUser me@example.com",
        )
    password = read_password()
    if not password:
        raise Refused("password_empty", "No password was given on stdin")
    set_password(current.smtp_user, current.smtp_host, password)
    print(f"Password saved in the system keyring for {current.smtp_user} at {current.smtp_host}")
    return OK


# --- contacts ---------------------------------------------------------------


def cmd_contacts_import(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services.contact_import import import_csv

    path = Path(args.file)
    if not path.is_file():
        raise Refused("import_no_file", f"No such file: {args.file}")
    ctx = open_context(db_url)
    report = import_csv(ctx, path, folder=args.folder, update_existing=not args.skip_existing)
    if args.json:
        print_json(report.as_json())
        return OK
    where = f" into the folder {args.folder!r}" if args.folder else ""
    skipped = f"; {report.skipped} existing contacts skipped" if args.skip_existing else ""
    print(
        f"Imported {report.imported} new contacts{where}, updated {report.updated}; "
        f"{report.invalid} invalid, {report.duplicates} duplicates skipped{skipped}"
    )
    for problem in report.errors:
        print(f"  {problem}")
    return OK


def cmd_contacts_add(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services.contacts import add_contact

    ctx = open_context(db_url)
    contact_id = add_contact(
        ctx, args.email, first_name=args.first_name, last_name=args.last_name, folder=args.folder
    )
    where = f" in the folder {args.folder!r}" if args.folder else ""
    print(f"Contact {contact_id}: {args.email.strip()}{where}")
    return OK


def cmd_contacts_list(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services.contacts import list_contacts

    ctx = open_context(db_url)
    contacts = list_contacts(ctx, folder=args.folder)
    if args.json:
        print_json([c.as_json() for c in contacts])
        return OK
    print_table(
        ("ID", "EMAIL", "FIRST NAME", "LAST NAME", "FOLDERS", "UNSUBSCRIBED"),
        [
            (
                c.id,
                c.email,
                c.first_name,
                c.last_name,
                ", ".join(c.folders),
                c.unsubscribed,
            )
            for c in contacts
        ],
        right=(0,),
    )
    print(f"{len(contacts)} contacts")
    return OK


# --- mailings ---------------------------------------------------------------


def cmd_mailing_create(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import mailings

    if args.html_file is not None:
        html = Path(args.html_file).read_text(encoding="utf-8")
    else:
        html = args.html
    expires_at = parse_time(args.expires_at, "Expiration time") if args.expires_at else None
    data = mailings.MailingInput(
        name=args.name,
        subject=args.subject,
        sender_email=args.sender_email,
        sender_name=args.sender_name,
        html=html,
        kind=MailingKind(args.kind),
        folders=tuple(args.folder),
        expires_at=expires_at,
    )
    mailings.validate(data)  # refuse bad input before the database is opened
    ctx = open_context(db_url)
    mailing_id = mailings.create(ctx, data)
    if args.json:
        print_json({"id": mailing_id})
    else:
        print(
            f"Created mailing {mailing_id} ({args.name.strip()}) as a draft. "
            f"Start it with: mailapp mailing start {mailing_id}"
        )
    return OK


def _mailing_rows(items: list[MailingInfo]) -> list[tuple[object, ...]]:
    return [
        (
            m.id,
            m.name,
            m.kind.value,
            state_name(m.state.value),
            m.recipients,
            m.handed_over,
            m.stopped,
            m.started_at,
            m.finished_at,
        )
        for m in items
    ]


def cmd_mailing_list(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import mailings

    ctx = open_context(db_url)
    items = mailings.list_all(ctx)
    if args.json:
        print_json([m.as_json() for m in items])
        return OK
    print_table(
        ("ID", "NAME", "KIND", "STATE", "RECIPIENTS", "SENT", "STOPPED", "STARTED", "FINISHED"),
        _mailing_rows(items),
        right=(0, 4, 5, 6),
    )
    return OK


def cmd_mailing_show(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import mailings

    ctx = open_context(db_url)
    info = mailings.get(ctx, args.id)
    if args.json:
        print_json(info.as_json())
        return OK
    sender = f"{info.sender_name} <{info.sender_email}>" if info.sender_name else info.sender_email
    fields = [
        ("Mailing", f"{info.id}: {info.name}"),
        ("Kind", info.kind.value),
        ("State", state_name(info.state.value)),
        ("Subject", info.subject),
        ("Sender", sender),
        ("Folders", ", ".join(info.folders) or "-"),
        ("Created", local_time(info.created_at)),
        ("Scheduled for", local_time(info.scheduled_at)),
        ("Sending begins", local_time(info.send_after)),
        ("Started", local_time(info.started_at)),
        ("Finished", local_time(info.finished_at)),
        ("Expires", local_time(info.expires_at)),
        ("Recipients", str(info.recipients)),
    ]
    if info.follows is not None:
        fields.append(("Follows", f"mailing {info.follows}"))
    if info.follow_ups:
        from mailapp.services import resend

        chain = resend.summary(ctx, info.id)
        fields.append(("Follow-ups", ", ".join(str(f.id) for f in chain.follow_ups)))
        fields.append(("Reached in all", str(chain.reached)))
    if info.last_error:
        fields.append(("Last error", info.last_error))
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        print(f"{key + ':':<{width + 1}} {value}")
    print()
    total = info.recipients or 1
    print_table(
        ("RESPONSE", "CODE", "COUNT", "PERCENT"),
        [
            (
                response_name(code),
                code,
                info.responses.get(code, 0),
                f"{100 * info.responses.get(code, 0) / total:.1f}%",
            )
            for code in RESPONSE_NAMES
        ],
        right=(2, 3),
    )
    return OK


def cmd_mailing_start(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import lifecycle

    ctx = open_context(db_url)
    outcome = lifecycle.start(ctx, args.id)
    line = f"Mailing {args.id} is {state_name(outcome.state.value)}"
    if outcome.send_after is not None:
        line += f"; sending begins at {local_time(outcome.send_after)}"
    print(line)
    if outcome.audience is not None:
        a = outcome.audience
        print(
            f"Audience: {a.will_send} will be sent, {a.invalid} invalid, {a.duplicates} "
            f"duplicates, {a.unsubscribed} unsubscribed, {a.no_email} without email, "
            f"{a.bounced} bounced before"
        )
    print(
        "A running 'mailapp worker' (or the window) sends it; "
        f"'mailapp mailing stop {args.id}' pauses it before sending begins."
    )
    return OK


def cmd_mailing_stop(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import lifecycle, mailings, stops

    ctx = open_context(db_url)
    preview = stops.stop(ctx, args.id)
    if preview.action is StopAction.PAUSE:
        print(
            f"Mailing {args.id} paused; nothing was handed to the provider. "
            f"Start it again with: mailapp mailing start {args.id}"
        )
        return OK
    # Stopping settles every recipient not in flight right away; a worker
    # finishes the transactions in flight, and the mailing is then stopped.
    lifecycle.finish_stopping(ctx)
    info = mailings.get(ctx, args.id)
    print(
        f"Mailing {args.id} stopped for good: {info.responses[Response.STOPPED_MANUALLY.value]} "
        f"recipients stopped (manually), {preview.handed_over} already handed to the provider"
    )
    if info.state is MailingState.STOPPING:
        print(
            f"State: {state_name(info.state.value)}; "
            f"{info.responses[Response.SENDING.value]} messages in flight finish first"
        )
    else:
        print(f"State: {state_name(info.state.value)}")
    return OK


def cmd_mailing_schedule(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import lifecycle

    at = parse_time(args.at, "Start time")
    ctx = open_context(db_url)
    lifecycle.schedule(ctx, args.id, at)
    print(f"Mailing {args.id} scheduled for {local_time(at)} ({at.isoformat()})")
    return OK


def cmd_mailing_send_test(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.paths import outbox_dir
    from mailapp.services import settings as settings_service
    from mailapp.services.provider import ProviderSession
    from mailapp.services.test_email import send_test

    ctx = open_context(db_url)
    provider = ProviderSession(ctx)
    try:
        message_id = send_test(ctx, args.id, args.to, provider)
    finally:
        provider.close()
    where = ""
    if settings_service.load(ctx).provider == "sandbox":
        where = f" (sandbox: saved in {outbox_dir()})"
    print(f"Test email of mailing {args.id} sent to {args.to.strip()}{where}: {message_id}")
    return OK


def cmd_mailing_recipients(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import mailings

    response: Response | None = None
    if args.response is not None:
        try:
            response = Response(args.response)
        except ValueError:
            raise Refused(
                "response_unknown",
                f"Unknown response {args.response!r}; valid codes: "
                + ", ".join(r.value for r in Response),
            ) from None
    ctx = open_context(db_url)
    rows = mailings.recipients(ctx, args.id, response)
    if args.json:
        print_json([r.as_json() for r in rows])
        return OK
    print_table(
        ("EMAIL", "RESPONSE", "SENT", "MESSAGE-ID"),
        [(r.email, response_name(r.response.value), r.sent_at, r.message_id) for r in rows],
    )
    print(f"{len(rows)} recipients")
    return OK


# --- journal ----------------------------------------------------------------


def cmd_journal(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import journal, mailings

    ctx = open_context(db_url)
    if args.mailing is not None:
        mailings.get(ctx, args.mailing)  # an unknown mailing is refused, not empty
    entries = journal.entries(ctx, args.mailing)
    if args.json:
        print_json([e.as_json() for e in entries])
        return OK
    print_table(
        ("TIME", "MAILING", "TYPE", "EVENT", "ACTOR", "MESSAGE"),
        [(e.time, e.mailing_id, e.type.value, e.event.value, e.actor, e.message) for e in entries],
        right=(1,),
    )
    return OK
