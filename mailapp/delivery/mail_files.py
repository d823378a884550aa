"""Messages kept in files: ``.eml`` files, Maildir folders and mbox files.

``mailapp bounces import`` reads a mailbox exported from a mail program or
copied from a server the same way ``bounces fetch`` reads the IMAP one. The
files are only read, never changed. Every path is checked before the first
message is read, so a typo in the last one changes nothing.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator, Sequence
from pathlib import Path


class MailFileError(Exception):
    """A path that holds no messages mailapp can read; the message says why.

    ``problem`` is ``missing``, ``not_maildir`` or ``unreadable``.
    """

    def __init__(self, message: str, path: str, problem: str) -> None:
        super().__init__(message)
        self.path = path
        self.problem = problem


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def check_paths(paths: Sequence[str]) -> list[Path]:
    """The paths as :class:`Path`, or :class:`MailFileError` for the first bad one."""
    checked = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise MailFileError(f"{raw}: no such file or folder", raw, "missing")
        if path.is_dir() and not _is_maildir(path):
            raise MailFileError(
                f"{raw}: a folder that is no Maildir (it needs cur, new and tmp inside)",
                raw,
                "not_maildir",
            )
        try:
            if path.is_file():
                path.open("rb").close()
        except OSError as exc:
            raise MailFileError(
                f"{raw}: cannot be read ({exc.strerror})", raw, "unreadable"
            ) from None
        checked.append(path)
    return checked


def read_messages(paths: Sequence[Path]) -> Iterator[bytes]:
    """The raw bytes of every message under ``paths``, in order."""
    for path in paths:
        if path.is_dir():
            box = mailbox.Maildir(path, factory=None, create=False)
            for key in sorted(box.keys()):
                yield box.get_bytes(key)
        elif _is_mbox(path):
            mbox = mailbox.mbox(path, create=False)
            try:
                for key in mbox.iterkeys():
                    yield mbox.get_bytes(key)
            finally:
                mbox.close()
        else:
            yield path.read_bytes()
