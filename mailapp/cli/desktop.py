"""``mailapp desktop-entry --install|--uninstall``: the desktop's menu entry.

Exit status as for every command: 0 ok, 1 refused (the reason on stderr,
nothing changed: not a freedesktop system, a data folder that cannot be
written), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

OK = 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``desktop-entry`` to the top-level subparsers of ``mailapp``."""
    entry: argparse.ArgumentParser = subparsers.add_parser(
        "desktop-entry",
        help="put mailapp into the desktop's application menu, or take it out",
        description="Install or remove the desktop entry, the icons and the AppStream "
        "metainfo in the user's data folder ($XDG_DATA_HOME, usually ~/.local/share).",
    )
    action = entry.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--install", action="store_true", help="install them (the entry runs this mailapp)"
    )
    action.add_argument("--uninstall", action="store_true", help="remove them")
    entry.set_defaults(handler=cmd_desktop_entry)
    return entry


def cmd_desktop_entry(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli import desktop_entry

    if args.install:
        done = desktop_entry.install()
        print(f"Installed the desktop entry {done.desktop_file}; it runs {done.command}")
        home = done.desktop_file.parents[1]
        print(f"Icons and metainfo: {len(done.files) - 1} files under {home}")
    else:
        done = desktop_entry.uninstall()
        if done.files:
            print(f"Removed the desktop entry, its icons and metainfo: {len(done.files)} files")
        else:
            print(f"No desktop entry of mailapp is installed in {done.desktop_file.parent}")
    return OK
