"""Why a message bounced, after Sisimai's reason taxonomy, and whether it is hard.

Sisimai (the bounce analyser of bouncehammer) names a reason for every
failure; only three of them say the address itself is gone: ``userunknown``,
``hostunknown`` and ``hasmoved``. They are *hard*: the contact is marked
bounced and mailed no more. Every other failure (``mailboxfull``,
``blocked``, ``filtered``, ``policyviolation``, ``spamdetected``,
``expired``, ``networkerror``, ``systemerror``, …) is *soft*: the address
may work tomorrow, so only three of them in a row suppress the contact.

The enhanced status code (RFC 3463) decides where it is specific; where it
is vague (``5.0.0``, ``5.5.0``, a bare ``550``) the server's text does,
matched against the phrases that the common servers use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HARD_REASONS = frozenset({"userunknown", "hostunknown", "hasmoved"})

#: Status codes whose meaning needs no text (RFC 3463 §3).
_BY_STATUS: dict[str, str] = {
    "1.1": "userunknown",  # bad destination mailbox address
    "1.2": "hostunknown",  # bad destination system address
    "1.3": "userunknown",  # bad destination mailbox address syntax
    "1.6": "hasmoved",  # destination mailbox has moved
    "2.1": "suspend",  # mailbox disabled
    "2.2": "mailboxfull",
    "2.3": "mesgtoolarge",
    "3.1": "systemfull",
    "3.4": "mesgtoolarge",
    "4.1": "networkerror",  # no answer from host
    "4.4": "hostunknown",  # unable to route
    "4.7": "expired",  # delivery time expired
    "7.1": "blocked",  # delivery not authorised
    "7.26": "securityerror",  # multiple authentication checks failed
}

#: Phrases of the servers' own texts, most specific first.
_BY_TEXT: tuple[tuple[str, str], ...] = (
    (
        "userunknown",
        r"user unknown|unknown user|no such (user|mailbox|recipient)|user not found"
        r"|recipient (address rejected: user unknown|not found|unknown)|unknown recipient"
        r"|invalid (recipient|mailbox)|mailbox (not found|does not exist|unavailable)"
        r"|address (does not exist|not found|unknown)|(account|address|mailbox|user)"
        r" (that you tried to reach )?does not exist|doesn't have an? [\w.-]+ account"
        r"|no mailbox here by that name|recipnotfound|recipientnotfound"
        r"|not a valid (recipient|mailbox)|unknown (or illegal )?alias|unknown local part"
        r"|e-?mail account does not exist|no such person|is not a known user",
    ),
    (
        "hostunknown",
        r"host unknown|unknown host|(domain|host) (name )?not found|host or domain name not found"
        r"|domain (does not exist|not exist)|couldn't find any host named|name or service not known"
        r"|nxdomain|no mx (record)?|unrouteable (mail )?domain|no route to domain",
    ),
    ("hasmoved", r"(mailbox|address|user) has (been )?moved|has changed (his|her|their) address"),
    (
        "mailboxfull",
        r"mailbox (is )?full|over ?quota|quota (exceeded|full)|exceeded (storage|the quota)"
        r"|insufficient (system )?storage|mail ?folder is full|out of storage|is full",
    ),
    ("spamdetected", r"\bspam\b|junk mail|looks like unsolicited|bulk mail"),
    (
        "blocked",
        r"blocked|black ?list|block ?list|listed (in|at|on)|\brbl\b|reputation|access denied"
        r"|client host rejected",
    ),
    ("policyviolation", r"policy|not (allowed|permitted)|prohibited|dmarc"),
    ("filtered", r"filtered|content (rejected|filter)|rejected by (the )?recipient"),
    ("suspend", r"disabled|suspended|inactive|deactivated|not active"),
    ("mesgtoolarge", r"too (large|big)|size (limit|exceeds)"),
    (
        "expired",
        r"expired|retry time(out)? (not )?exceeded|too long|given up|could not be delivered within",
    ),
    ("networkerror", r"connection (timed out|refused|reset)|timed out|network|no answer"),
    ("systemfull", r"system (is )?full|disk full|out of disk"),
)

_TEXT_PATTERNS = tuple((reason, re.compile(pattern)) for reason, pattern in _BY_TEXT)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_REPLY = re.compile(r"\b([245])\d\d\b")


@dataclass(frozen=True, slots=True)
class BounceReason:
    reason: str
    hard: bool


def status_in(text: str) -> str | None:
    """The first enhanced status code (``5.1.1``) in a server's text."""
    match = _STATUS.search(text)
    return match[0] if match else None


def classify(status: str | None, text: str) -> BounceReason:
    """The reason of a failure from its status code (may be None) and text."""
    detail = status.split(".", 1)[1] if status and status.count(".") == 2 else ""
    reason = _BY_STATUS.get(detail) if detail else None
    if reason is None:
        lowered = " ".join(text.lower().split())
        reason = next((name for name, p in _TEXT_PATTERNS if p.search(lowered)), None)
    if reason is None:
        reason = "onhold" if detail else "undefined"
    return BounceReason(reason, reason in HARD_REASONS)


def is_permanent(status: str | None, text: str) -> bool | None:
    """True for a 5xx failure, False for a 4xx one, None when neither says."""
    if status and status[0] in "45":
        return status[0] == "5"
    match = _REPLY.search(text)
    if match and match[1] in "45":
        return match[1] == "5"
    return None
