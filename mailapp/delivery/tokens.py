"""Per-recipient tokens: who a link (or a bounce address) is about, unforgeable.

A token names one recipient row of one mailing and the day its message was
made, and nothing else. It must be

* **unforgeable**: an HMAC-SHA256 tag under the app's secret, so nobody can
  make a token for another recipient, or unsubscribe a list by counting;
* **opaque**: the recipient id is encrypted (one AES block under a key of
  its own derived from the same secret), so a reader of the link learns no
  sequential id, not how many mailings or recipients there are;
* **short and plain**: lower-case base32 (42 characters of ``a-z2-7``), safe
  in a URL path, in a query, and in the local part of an address (VERP,
  whose local parts some servers change to lower case).

The secret is the caller's (the database's settings keep it; see
:mod:`mailapp.services.unsubscribe`): this module only computes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_EPOCH = date(2020, 1, 1)
#: recipient id (8 bytes), day issued (4 bytes), purpose (1 byte), zero padding.
_LAYOUT = struct.Struct(">QIB3x")
_TAG_BYTES = 10
_TOKEN_BYTES = _LAYOUT.size + _TAG_BYTES
TOKEN_LENGTH = (_TOKEN_BYTES * 8 + 4) // 5
#: What a token is for; a token made for one purpose is refused for another.
UNSUBSCRIBE = 1
BOUNCE = 2


class BadToken(ValueError):
    """The text is not a token made with this secret (mistyped, cut, forged)."""


@dataclass(frozen=True)
class TokenData:
    recipient_id: int
    issued: date


def _day(moment: datetime | date) -> int:
    when = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return max(0, (when - _EPOCH).days)


class Tokens:
    """Makes and reads the tokens of one secret (at least 32 bytes)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must have at least 32 bytes")
        self._mac_key = hmac.digest(secret, b"mailapp token tag", "sha256")
        cipher = Cipher(
            algorithms.AES(hmac.digest(secret, b"mailapp token id", "sha256")), modes.ECB()
        )
        self._cipher = cipher

    def make(self, recipient_id: int, issued: datetime | date, purpose: int = UNSUBSCRIBE) -> str:
        """The token of ``recipient_id``, for a message made at ``issued``."""
        block = _LAYOUT.pack(recipient_id, _day(issued), purpose)
        encryptor = self._cipher.encryptor()
        sealed = encryptor.update(block) + encryptor.finalize()
        tag = hmac.digest(self._mac_key, sealed, hashlib.sha256)[:_TAG_BYTES]
        return base64.b32encode(sealed + tag).decode("ascii").rstrip("=").lower()

    def read(self, token: str, purpose: int = UNSUBSCRIBE) -> TokenData:
        """What ``token`` says, or :class:`BadToken`. Case does not matter."""
        text = token.strip().upper()
        if len(text) != TOKEN_LENGTH or not text.isascii():
            raise BadToken("not a token of this length")
        try:
            raw = base64.b32decode(text + "=" * (-len(text) % 8))
        except ValueError:
            raise BadToken("not base32") from None
        # The last character carries two bits of padding: only one spelling counts.
        if base64.b32encode(raw).decode("ascii").rstrip("=") != text:
            raise BadToken("not the token's own spelling")
        sealed, tag = raw[: _LAYOUT.size], raw[_LAYOUT.size :]
        expected = hmac.digest(self._mac_key, sealed, hashlib.sha256)[:_TAG_BYTES]
        if not hmac.compare_digest(tag, expected):
            raise BadToken("the tag does not match")
        decryptor = self._cipher.decryptor()
        recipient_id, day, kind = _LAYOUT.unpack(decryptor.update(sealed) + decryptor.finalize())
        if kind != purpose:
            raise BadToken("a token for another purpose")
        return TokenData(recipient_id, date.fromordinal(_EPOCH.toordinal() + day))
