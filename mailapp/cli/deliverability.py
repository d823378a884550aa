"""``mailapp dkim generate``: the DKIM key and the record to publish.

Exit status as for every command: 0 ok, 1 refused (the reason on stderr,
nothing changed), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mailapp.cli.output import print_json
from mailapp.services.context import AppContext

OK = 0


def add_parser(subparsers: Any) -> None:
    dkim: argparse.ArgumentParser = subparsers.add_parser(
        "dkim", help="DKIM signing of every message"
    )
    sub = dkim.add_subparsers(dest="action", metavar="ACTION", required=True)
    generate = sub.add_parser(
        "generate",
        help="create a 2048-bit key in the data folder, sign with it from now on, "
        "and print the DNS record to publish",
    )
    generate.add_argument("--domain", required=True, metavar="D", help="the signing domain")
    generate.add_argument(
        "--selector", required=True, metavar="S", help="the key's name, e.g. mail or 2026"
    )
    generate.add_argument("--json", action="store_true", help='print {"name": …, "record": …}')
    generate.set_defaults(handler=cmd_dkim_generate)
    check = sub.add_parser(
        "check", help="look the record up in DNS and say whether it matches the key in use"
    )
    check.add_argument("--json", action="store_true", help='print {"name", "status", "detail"}')
    check.set_defaults(handler=cmd_dkim_check)


def cmd_dkim_generate(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli import commands
    from mailapp.services import dkim_setup

    ctx: AppContext = commands.open_context(db_url)
    record = dkim_setup.generate(ctx, args.domain, args.selector)
    if args.json:
        print_json(record.as_json())
        return OK
    print(f"Created the DKIM key {record.key_file}; every message is signed with it from now on.")
    print("Publish this TXT record in the DNS of your domain:")
    print()
    print(f"  name:  {record.name}")
    print(f"  value: {record.record}")
    print()
    print("Until it is published, receivers cannot check the signature.")
    return OK


_CHECK_WORDS = {
    "match": "is published and matches the key in use",
    "mismatch": "is published with another key: publish the record above instead",
    "missing": "is not published yet (DNS changes can take up to a day)",
    "offline": "could not be looked up: no DNS server answered (is this computer offline?)",
}


def cmd_dkim_check(args: argparse.Namespace, db_url: str) -> int:
    """Exit 0 when the published record matches, 1 otherwise (the reason on stderr)."""
    from mailapp.cli import commands
    from mailapp.models import Refused
    from mailapp.services import dkim_setup

    record = dkim_setup.current(commands.open_context(db_url))
    if record is None:
        raise Refused("dkim_off", "DKIM is not set up: run 'mailapp dkim generate' first")
    check = dkim_setup.check_published(record)
    if args.json:
        print_json({"name": record.name, "status": check.status.value, "detail": check.detail})
    else:
        print(f"{record.name}: {record.record}")
    if check.status is not dkim_setup.DnsStatus.MATCH:
        sys.stderr.write(f"mailapp: the DKIM record {record.name} {_CHECK_WORDS[check.status]}\n")
        return 1
    if not args.json:
        print(f"The record {_CHECK_WORDS[check.status]}.")
    return OK
