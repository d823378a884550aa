"""VERP: each message's envelope sender names its recipient.

With ``BounceAddress`` ``bounces@example.com`` the message to recipient row
``N`` goes out with ``MAIL FROM:<bounces+TOKEN@example.com>``, ``TOKEN``
being ``N``'s token for bounces (:mod:`mailapp.delivery.tokens`, purpose
``BOUNCE``: it does not unsubscribe anybody if copied into a link). A
bounce report is sent to the envelope sender, so whatever the report says
or leaves out, the address it was delivered to names the recipient it is
about. A server that rewrites the case of a local part changes nothing; a
forged token names nobody. A token's age does not matter here: a report
may come back weeks later.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from mailapp.delivery.tokens import BOUNCE, TOKEN_LENGTH, BadToken, Tokens


def verp_sender(
    bounce_address: str, tokens: Tokens, recipient_id: int, issued: datetime | date
) -> str:
    """The envelope sender of ``recipient_id``'s message."""
    local, _, domain = bounce_address.rpartition("@")
    return f"{local}+{tokens.make(recipient_id, issued, BOUNCE)}@{domain}"


def verp_recipients(bounce_address: str, tokens: Tokens, text: str) -> list[int]:
    """The recipient ids of every VERP address of ``bounce_address`` in ``text``
    whose token verifies, in order of appearance and without repeats."""
    local, _, domain = bounce_address.rpartition("@")
    pattern = re.compile(
        rf"(?<![\w.+-]){re.escape(local)}\+([a-z2-7]{{{TOKEN_LENGTH}}})@{re.escape(domain)}\b",
        re.IGNORECASE,
    )
    found: list[int] = []
    for match in pattern.finditer(text):
        try:
            recipient_id = tokens.read(match[1], BOUNCE).recipient_id
        except BadToken:
            continue
        if recipient_id not in found:
            found.append(recipient_id)
    return found
