"""``mailapp bounces fetch|import`` and ``settings set-password --mailbox``.

Both commands print what they found; ``--json`` prints
``{"messages", "hard", "soft", "complaints", "unsubscribes", "unmatched",
"ignored"}``. Exit status as for every command: 0 ok, 1 refused (the reason
on stderr, nothing changed), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mailapp.cli.output import print_json

if TYPE_CHECKING:
    from mailapp.services.bounces import BounceCounts

OK = 0


def add_parser(subparsers: Any) -> None:
    bounces: argparse.ArgumentParser = subparsers.add_parser(
        "bounces", help="bounce reports, spam complaints and unsubscribe requests by mail"
    )
    sub = bounces.add_subparsers(dest="action", metavar="ACTION", required=True)
    fetch = sub.add_parser(
        "fetch",
        help="read new mail of BounceMailbox, apply it, and move what was understood "
        "into the folder 'Processed by mailapp'",
    )
    fetch.add_argument("--json", action="store_true", help="print the counts as JSON")
    fetch.set_defaults(handler=cmd_bounces_fetch)
    imported = sub.add_parser(
        "import", help="the same from .eml files, Maildir folders or mbox files (left as they are)"
    )
    imported.add_argument("paths", nargs="+", metavar="PATH")
    imported.add_argument("--json", action="store_true", help="print the counts as JSON")
    imported.set_defaults(handler=cmd_bounces_import)


def _report(counts: BounceCounts, as_json: bool) -> int:
    if as_json:
        print_json(counts.as_json())
        return OK
    c = counts
    print(
        f"Read {c.messages} messages: {c.hard} hard bounces, {c.soft} soft bounces, "
        f"{c.complaints} spam complaints, {c.unsubscribes} unsubscribe requests; "
        f"{c.unmatched} matched no recipient, {c.ignored} ignored"
        + (f" ({c.left} not understood, left where they were)" if c.left else "")
    )
    return OK


def cmd_bounces_fetch(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli import commands
    from mailapp.services import bounces

    return _report(bounces.fetch_mailbox(commands.open_context(db_url)), args.json)


def cmd_bounces_import(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli import commands
    from mailapp.services import bounces

    return _report(bounces.import_files(commands.open_context(db_url), args.paths), args.json)


def cmd_set_password(args: argparse.Namespace, db_url: str) -> int:
    """``settings set-password``: the SMTP password, or with ``--mailbox`` BounceMailbox's."""
    from mailapp.cli import commands

    if not args.mailbox:
        return commands.cmd_settings_set_password(args, db_url)
    return set_mailbox_password(db_url, commands.read_password("Mailbox"))


def set_mailbox_password(db_url: str, password: str) -> int:
    """``settings set-password --mailbox``: the password of BounceMailbox's user."""
    from mailapp.cli import commands
    from mailapp.delivery.mailbox_url import parse_mailbox_url
    from mailapp.models import Refused
    from mailapp.services import bounces
    from mailapp.services import settings as settings_service

    link = settings_service.load(commands.open_context(db_url)).bounce_mailbox
    if not link:
        raise Refused(
            "bounce_mailbox_not_set",
            "Set BounceMailbox first, for example: mailapp settings set BounceMailbox "
            "imaps://bounces@example.com@imap.example.com/INBOX",
        )
    if not password:
        raise Refused("password_empty", "No password was given on stdin")
    bounces.save_mailbox_password(link, password)
    url = parse_mailbox_url(link)
    print(f"Mailbox password saved in the system keyring for {url.user} at {url.host}")
    return OK
