"""What the DKIM tests check a signature against: the headers a signature
must cover (MISSION.md, Deliverability) and DNS as a receiver sees it."""

from __future__ import annotations

import re
from collections.abc import Callable

#: The headers every signature must cover.
REQUIRED_HEADERS = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "list-unsubscribe",
        "list-unsubscribe-post",
    }
)

DnsFunc = Callable[..., bytes | None]


def published(name: str, record: str) -> DnsFunc:
    """dkimpy's DNS lookup once the record is published under ``name``."""

    def lookup(qname: bytes, timeout: int = 5) -> bytes | None:
        return record.encode() if qname == f"{name}.".encode() else None

    return lookup


def signature_tags(data: bytes) -> dict[str, str]:
    """The tags of the message's DKIM-Signature, folding whitespace removed."""
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    found = re.search(r"^DKIM-Signature:(.*?)\r\n(?=\S)", head, re.S | re.M)
    assert found is not None, "no DKIM-Signature"
    tags = [t.split("=", 1) for t in found.group(1).split(";") if t.strip()]
    return {k.strip(): "".join(v.split()) for k, v in tags}


def covered(data: bytes) -> set[str]:
    return set(signature_tags(data)["h"].split(":"))
