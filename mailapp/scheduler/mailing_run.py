"""What the lanes share while a mailing sends, and what one lane holds.

A 250 is kept (:class:`Accepted`) until the database has taken it: ``sent``
is written only after the provider's 250 to the end of data.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailapp.delivery.addresses import EnvelopeAddress
from mailapp.delivery.dkim import DkimSigner
from mailapp.delivery.render import CompiledTemplate
from mailapp.delivery.tokens import Tokens
from mailapp.delivery.verp import verp_sender
from mailapp.services.settings import SystemSettings


@dataclass(frozen=True)
class Claimed:
    """A recipient a lane claimed: its address and what its template sees."""

    id: int
    email: str
    contact: dict[str, Any]


@dataclass
class MailingRun:
    """What the lanes share about one mailing while it sends.

    Built once when the mailing is first served: its content compiled, the
    parts that are the same for every message checked by building a probe
    message, so a bad setting is one ``error`` rather than a failure per
    recipient.
    """

    mailing_id: int
    name: str
    subject: str
    sender_name: str
    sender_email: str
    #: The address of ``From`` as the envelope needs it (the domain in punycode).
    sender: EnvelopeAddress
    domain: str
    template: CompiledTemplate
    unsubscribe_url: str
    settings: SystemSettings
    #: Signs every message when DKIM is set up (``DkimDomain``).
    signer: DkimSigner | None = None
    #: Makes the recipients' tokens when the unsubscribe link has ``{token}``
    #: or ``BounceAddress`` is set.
    tokens: Tokens | None = None
    #: ``BounceAddress``, when set: each message then has its own envelope
    #: sender ``LOCAL+TOKEN@DOMAIN`` (VERP).
    bounce_address: str = ""
    halted: bool = False
    errors: int = 0
    reported: set[str] = field(default_factory=set)
    sent_since_event: int = 0
    last_event: float = field(default_factory=time.monotonic)
    last_progress: float = 0.0
    marked_sending: bool = False
    database_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def envelope_sender(self, recipient_id: int, issued: datetime) -> str:
        """``MAIL FROM`` of one recipient's message: where its bounces return."""
        if not self.bounce_address or self.tokens is None:
            return self.sender.address
        return verp_sender(self.bounce_address, self.tokens, recipient_id, issued)


@dataclass
class Accepted:
    """A 250 whose ``sent`` is not yet in the database."""

    run: MailingRun
    recipient_id: int
    message_id: str
    moment: datetime
