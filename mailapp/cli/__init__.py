"""The command line: ``mailapp [--db URL] COMMAND`` (MISSION.md "Command line").

Scripts and servers depend on this contract, so it is strict: exit status 0
on success, 1 when a request is refused (the reason on stderr, the database
unchanged), 2 on a usage error (argparse's own). ``--json`` prints data for
machines on stdout; everything else prints aligned tables for people.

Only ``worker`` (and the window) run the sending engine. Every other command
changes the database and returns at once; a running worker or window sees
the change there, because the database is the only source of truth.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError

from mailapp.db import DatabaseError
from mailapp.models import Refused

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def _default_db() -> str:
    from mailapp.paths import default_db_url

    return os.environ.get("MAILAPP_DB") or default_db_url()


def _listen_address(text: str) -> tuple[str, int]:
    from mailapp.scheduler.listener import parse_address

    try:
        return parse_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    from mailapp import __version__
    from mailapp.cli import commands as c

    parser = argparse.ArgumentParser(
        prog="mailapp",
        description="Email mailings that can be paused and stopped safely while they go out.",
        epilog="Without a command the desktop window opens.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLAlchemy database URL (default: $MAILAPP_DB, else an SQLite file "
        "in the user data folder)",
    )
    parser.add_argument("--version", action="version", version=f"mailapp {__version__}")
    parser.set_defaults(handler=c.cmd_gui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="open the desktop window").set_defaults(handler=c.cmd_gui)
    worker = sub.add_parser(
        "worker", help="run the scheduler and sending headless until SIGINT/SIGTERM"
    )
    # The window's own worker: when the window's end of standard input
    # closes, finish what is left to send, then exit.
    worker.add_argument("--for-window", action="store_true", help=argparse.SUPPRESS)
    worker.add_argument(
        "--listen",
        metavar="HOST:PORT",
        type=_listen_address,
        help="also serve the one-click unsubscribe endpoint (POST/GET /u/TOKEN) there",
    )
    worker.set_defaults(handler=c.cmd_worker)

    # settings ------------------------------------------------------------
    settings = sub.add_parser("settings", help="system settings")
    s_sub = settings.add_subparsers(dest="action", metavar="ACTION", required=True)
    s_list = s_sub.add_parser("list", help="every setting with its value")
    s_list.add_argument("--json", action="store_true", help="print {code: value}")
    s_list.set_defaults(handler=c.cmd_settings_list)
    s_get = s_sub.add_parser("get", help="print one setting's value")
    s_get.add_argument("code")
    s_get.set_defaults(handler=c.cmd_settings_get)
    s_set = s_sub.add_parser("set", help="change one setting")
    s_set.add_argument("code")
    s_set.add_argument("value")
    s_set.set_defaults(handler=c.cmd_settings_set)
    set_password = s_sub.add_parser(
        "set-password", help="read the SMTP password from stdin into the system keyring"
    )
    set_password.add_argument(
        "--mailbox", action="store_true", help="the password of BounceMailbox instead"
    )
    from mailapp.cli import bounces

    set_password.set_defaults(handler=bounces.cmd_set_password)

    # contacts ------------------------------------------------------------
    contacts = sub.add_parser("contacts", help="contacts and folders")
    c_sub = contacts.add_subparsers(dest="action", metavar="ACTION", required=True)
    c_import = c_sub.add_parser("import", help="import contacts from a CSV file with a header")
    c_import.add_argument("file", metavar="FILE.csv")
    c_import.add_argument("--folder", metavar="NAME", help="put the contacts in this folder")
    c_import.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave contacts whose address is already stored unchanged: their names, "
        "custom fields and folders stay as they are (by default the file's non-empty "
        "names and custom fields update them and they join --folder)",
    )
    c_import.add_argument("--json", action="store_true")
    c_import.set_defaults(handler=c.cmd_contacts_import)
    c_add = c_sub.add_parser("add", help="add one contact")
    c_add.add_argument("email")
    c_add.add_argument("--first-name", default="", metavar="X")
    c_add.add_argument("--last-name", default="", metavar="Y")
    c_add.add_argument("--folder", metavar="NAME")
    c_add.set_defaults(handler=c.cmd_contacts_add)
    c_list = c_sub.add_parser("list", help="list contacts")
    c_list.add_argument("--folder", metavar="NAME")
    c_list.add_argument("--json", action="store_true")
    c_list.set_defaults(handler=c.cmd_contacts_list)

    # mailing -------------------------------------------------------------
    mailing = sub.add_parser("mailing", help="mailings: create, start, stop, watch")
    m_sub = mailing.add_subparsers(dest="action", metavar="ACTION", required=True)
    m_create = m_sub.add_parser("create", help="create a draft mailing")
    m_create.add_argument("--name", required=True, metavar="N")
    m_create.add_argument("--kind", choices=("bulk", "trigger"), default="bulk")
    m_create.add_argument("--subject", required=True, metavar="S")
    m_create.add_argument("--sender-email", required=True, metavar="E")
    m_create.add_argument("--sender-name", default="", metavar="N")
    body = m_create.add_mutually_exclusive_group(required=True)
    body.add_argument("--html-file", metavar="F", help="the HTML template in a file (UTF-8)")
    body.add_argument("--html", metavar="TEXT", help="the HTML template itself")
    m_create.add_argument(
        "--folder",
        action="append",
        default=[],
        metavar="NAME",
        help="a folder of recipients (repeat for several)",
    )
    m_create.add_argument("--expires-at", metavar="TIME", help="ISO 8601; no zone = local time")
    m_create.add_argument("--json", action="store_true")
    m_create.set_defaults(handler=c.cmd_mailing_create)

    m_list = m_sub.add_parser("list", help="every mailing with its state")
    m_list.add_argument("--json", action="store_true")
    m_list.set_defaults(handler=c.cmd_mailing_list)
    m_show = m_sub.add_parser("show", help="a mailing with its response counts")
    m_show.add_argument("id", type=int)
    m_show.add_argument("--json", action="store_true")
    m_show.set_defaults(handler=c.cmd_mailing_show)
    m_start = m_sub.add_parser("start", help="Start sending (after the delay)")
    m_start.add_argument("id", type=int)
    m_start.set_defaults(handler=c.cmd_mailing_start)
    m_stop = m_sub.add_parser(
        "stop", help="Stop sending: a pause before sending begins, a final stop after"
    )
    m_stop.add_argument("id", type=int)
    m_stop.set_defaults(handler=c.cmd_mailing_stop)
    m_schedule = m_sub.add_parser("schedule", help="start sending at a given time")
    m_schedule.add_argument("id", type=int)
    m_schedule.add_argument(
        "--at", required=True, metavar="TIME", help="ISO 8601; without a zone, local time"
    )
    m_schedule.set_defaults(handler=c.cmd_mailing_schedule)
    m_test = m_sub.add_parser("send-test", help="send one test email of the mailing")
    m_test.add_argument("id", type=int)
    m_test.add_argument("--to", required=True, metavar="EMAIL")
    m_test.set_defaults(handler=c.cmd_mailing_send_test)
    m_rcpt = m_sub.add_parser("recipients", help="the recipients and their responses")
    m_rcpt.add_argument("id", type=int)
    m_rcpt.add_argument("--response", metavar="CODE", help="only this response code")
    m_rcpt.add_argument("--json", action="store_true")
    m_rcpt.set_defaults(handler=c.cmd_mailing_recipients)
    from mailapp.cli import resend

    resend.add_parser(m_sub)

    # journal -------------------------------------------------------------
    journal = sub.add_parser("journal", help="the sending log, oldest first")
    journal.add_argument("--mailing", type=int, metavar="ID")
    journal.add_argument("--json", action="store_true")
    journal.set_defaults(handler=c.cmd_journal)

    # campaign (trigger mailings fed by campaign flows) ----------------------
    from mailapp.cli import campaigns

    campaigns.add_parser(sub)

    # dkim ------------------------------------------------------------------
    from mailapp.cli import deliverability

    deliverability.add_parser(sub)

    # desktop-entry -----------------------------------------------------------
    from mailapp.cli import desktop

    desktop.add_parser(sub)

    # bounces ---------------------------------------------------------------
    bounces.add_parser(sub)
    return parser


#: The errors that mean "refused" besides :class:`Refused` and
#: :class:`DatabaseError`, by the module that defines each. A command can
#: only raise one whose module it has imported, so none is imported to be
#: ready for it: the window's start would load the listener's web server,
#: the keyring and the SMTP client for nothing.
_REFUSALS = (
    ("mailapp.delivery.credentials", "CredentialsError"),
    ("mailapp.scheduler.listener", "ListenError"),
    ("mailapp.delivery.smtp", "ProviderError"),
)


def _refusal_types() -> tuple[type[BaseException], ...]:
    """Everything that means "refused": the message is for the user, not a bug."""
    found: list[type[BaseException]] = [Refused, DatabaseError]
    for module_name, name in _REFUSALS:
        module = sys.modules.get(module_name)
        if module is not None:
            found.append(getattr(module, name))
    return tuple(found)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 refused, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    db_url: str = args.db or _default_db()
    handler: Callable[[argparse.Namespace, str], int] = args.handler
    try:
        return handler(args, db_url)
    # Evaluated only when an exception gets here, after the command ran.
    except _refusal_types() as exc:
        _error(str(exc))
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader went away (``mailapp journal | head``): not an error to
        # report, but Python would complain again when it flushes stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (OSError, UnicodeError) as exc:
        _error(_describe_os_error(exc))
        return EXIT_REFUSED
    except SQLAlchemyError as exc:
        _error(f"The database refused the change: {exc.__class__.__name__}: {exc}")
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _error("Interrupted")
        return 130
    finally:
        from mailapp.cli.commands import close_all

        close_all()


def _error(message: str) -> None:
    sys.stderr.write(f"mailapp: {message}\n")
    sys.stderr.flush()


def _describe_os_error(exc: BaseException) -> str:
    if isinstance(exc, UnicodeError):
        return f"The file is not UTF-8 text: {exc}"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or exc}: {exc.filename}"
    return str(exc)


__all__ = ["EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "build_parser", "main"]
