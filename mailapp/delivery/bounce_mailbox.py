"""The bounce mailbox over IMAP (imapclient): read new reports, move the processed ones.

The mailbox is never emptied and nothing in it is deleted: a message that
was applied is *moved* (IMAP ``MOVE``, RFC 6851) into a folder the app
creates beside the watched one, named with the server's own hierarchy
separator (``INBOX.Processed by mailapp`` on one server,
``INBOX/Processed by mailapp`` on another). A message nobody understood
stays where it was, for a person to read. So reading again finds only what
is new or still not understood, and applying a message twice changes
nothing anyway.

``imaps://`` speaks TLS from the first byte; ``imap://`` switches to TLS
with STARTTLS whenever the server offers it. The server's certificate is
always verified against the system's authorities (or the context given):
a certificate that does not verify is refused with a plain reason, never
accepted silently.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from mailapp.delivery.mailbox_url import MailboxUrl

#: The folder processed messages go to, under the watched one.
PROCESSED_FOLDER = "Processed by mailapp"
#: Messages fetched per round trip.
FETCH_BATCH = 50
TIMEOUT_SECONDS = 30.0


class MailboxError(Exception):
    """The mailbox cannot be used; the message says why, for a marketer.

    ``problem`` names the kind for the window's own words: ``certificate``,
    ``tls``, ``connect``, ``login``, ``folder``, ``server`` or ``move``;
    ``detail`` is what the server or the system said.
    """

    def __init__(self, message: str, problem: str, detail: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.detail = detail


def _tls_error(exc: ssl.SSLError, url: MailboxUrl) -> MailboxError:
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = str(exc.verify_message)
        return MailboxError(
            f"The certificate of {url.host} cannot be trusted ({detail}); "
            "mailapp refuses to send the mailbox password to it",
            "certificate",
            detail,
        )
    detail = str(exc.reason or exc)
    return MailboxError(
        f"A secure connection to {url.host}:{url.port} failed: {detail}", "tls", detail
    )


@contextmanager
def connect(
    url: MailboxUrl,
    password: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Iterator[IMAPClient]:
    """A logged-in client for ``url``; :class:`MailboxError` with the reason if not."""
    context = ssl_context or ssl.create_default_context()
    try:
        client = IMAPClient(url.host, url.port, ssl=url.tls, ssl_context=context, timeout=timeout)
    except ssl.SSLError as exc:
        raise _tls_error(exc, url) from None
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(
            f"Cannot connect to {url.host}:{url.port}: {exc}", "connect", str(exc)
        ) from None
    try:
        if not url.tls and b"STARTTLS" in client.capabilities():
            client.starttls(context)
        client.login(url.user, password)
        yield client
    except ssl.SSLError as exc:
        raise _tls_error(exc, url) from None
    except LoginError as exc:
        raise MailboxError(
            f"{url.host} refused the user name or password of {url.user}", "login", str(exc)
        ) from None
    except (TimeoutError, OSError) as exc:
        raise MailboxError(
            f"The connection to {url.host} failed: {exc}", "connect", str(exc)
        ) from None
    except IMAPClientError as exc:
        raise MailboxError(f"{url.host} answered: {exc}", "server", str(exc)) from None
    finally:
        try:
            client.logout()
        except Exception:  # already broken: close the socket all the same
            with contextlib.suppress(OSError):
                client.shutdown()


def _separator(client: IMAPClient, folder: str) -> str:
    listed = client.list_folders(pattern=folder)
    if not listed:
        raise MailboxError(f"The folder {folder!r} does not exist in the mailbox", "folder", folder)
    delimiter = listed[0][1]
    if isinstance(delimiter, bytes):
        delimiter = delimiter.decode("ascii", errors="replace")
    return delimiter or "/"


def processed_folder(client: IMAPClient, folder: str) -> str:
    """The folder processed messages go to; created when missing."""
    target = f"{folder}{_separator(client, folder)}{PROCESSED_FOLDER}"
    if not client.folder_exists(target):
        client.create_folder(target)
        client.subscribe_folder(target)
    return target


def check(url: MailboxUrl, password: str, *, ssl_context: ssl.SSLContext | None = None) -> int:
    """Log in and open the folder (*Test connection*); how many messages it holds."""
    with connect(url, password, ssl_context=ssl_context) as client:
        _separator(client, url.folder)
        info = client.select_folder(url.folder, readonly=True)
        return int(info.get(b"EXISTS", 0))


def fetch(
    url: MailboxUrl,
    password: str,
    handle: Callable[[bytes], bool],
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Give every message of the folder to ``handle``; move those it understood.

    ``handle`` applies one message and answers whether it was understood;
    moving happens after each batch has been applied, so a crash in between
    leaves messages to be applied once more, which changes nothing.
    """
    with connect(url, password, ssl_context=ssl_context) as client:
        target = processed_folder(client, url.folder)
        client.select_folder(url.folder)
        if not (client.has_capability("MOVE") or client.has_capability("UIDPLUS")):
            raise MailboxError(
                f"{url.host} can move messages neither with MOVE nor with UIDPLUS; "
                "mailapp does not delete anything to move them",
                "move",
            )
        uids = sorted(client.search(["NOT", "DELETED"]))
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            done = [uid for uid in batch if uid in fetched and handle(fetched[uid][b"BODY[]"])]
            if done:
                _move(client, done, target)


def _move(client: IMAPClient, uids: list[int], target: str) -> None:
    if client.has_capability("MOVE"):
        client.move(uids, target)
        return
    # COPY, then remove exactly these messages from the watched folder
    # (UID EXPUNGE touches no other message marked deleted).
    client.copy(uids, target)
    client.add_flags(uids, [b"\\Deleted"])
    client.uid_expunge(uids)
