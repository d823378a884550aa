"""Setting up DKIM: a new key, the record to publish, and whether DNS has it.

The command line's ``mailapp dkim generate`` and the Settings window's
Deliverability tab both come here, so they store the same settings and show
the same record.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import dns.exception
import dns.resolver

from mailapp.delivery.dkim import (
    DkimError,
    DkimSigner,
    check_domain,
    check_selector,
    generate_key,
    public_record,
)
from mailapp.models import Refused
from mailapp.paths import data_dir
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from mailapp.services.settings import SystemSettings

#: How long a DNS check waits for an answer before it calls the machine offline.
DNS_TIMEOUT = 5.0


@dataclass(frozen=True)
class DkimRecord:
    """The TXT record that receivers look up to check the signatures."""

    #: ``selector._domainkey.domain``
    name: str
    #: ``v=DKIM1; k=rsa; p=…``
    record: str
    key_file: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "record": self.record}


def refusal(exc: DkimError) -> Refused:
    """A DKIM problem as a refusal the window can say in its language."""
    return Refused(
        "dkim",
        str(exc),
        error=str(exc),
        problem=exc.problem,
        value=exc.params.get("value", ""),
        path=exc.params.get("path", ""),
        reason=exc.params.get("reason", ""),
        bits=exc.params.get("bits", 0),
        minimum=exc.params.get("minimum", 0),
    )


def key_path(domain: str, selector: str) -> Path:
    """Where a generated key is kept: the data folder's ``dkim`` folder."""
    return data_dir() / "dkim" / f"{selector}._domainkey.{domain}.pem"


def generate(ctx: AppContext, domain: str, selector: str) -> DkimRecord:
    """A new 2048-bit key for ``domain`` and ``selector``, stored (mode 0600)
    and set as DkimDomain, DkimSelector and DkimKeyFile in one transaction.

    Refused, with nothing changed, for a domain or selector that is not a
    DNS name and when a key for them already exists (it may be the one
    published; delete the file or choose another selector).
    """
    try:
        domain, selector = check_domain(domain), check_selector(selector)
        path = key_path(domain, selector)
        key = generate_key(path)
    except DkimError as exc:
        raise refusal(exc) from None
    try:
        settings_service.set_many(
            ctx, {"DkimDomain": domain, "DkimSelector": selector, "DkimKeyFile": str(path)}
        )
    except BaseException:
        path.unlink(missing_ok=True)  # nothing changed: no key left behind
        raise
    return DkimRecord(f"{selector}._domainkey.{domain}", public_record(key), str(path))


def signer(settings: SystemSettings) -> DkimSigner | None:
    """The signer of every message under ``settings``; None while DkimDomain is empty.

    :class:`DkimError` when the settings cannot sign: for a mailing that is
    a setting problem (every message would fail), never a recipient's.
    """
    if not settings.dkim_domain:
        return None
    return DkimSigner.load(settings.dkim_domain, settings.dkim_selector, settings.dkim_key_file)


def current(ctx: AppContext) -> DkimRecord | None:
    """The record of the DKIM settings; None while DkimDomain is empty.

    :class:`Refused` says what is wrong with settings that cannot sign (an
    empty selector, a key file gone): the reason a mailing would fail.
    """
    settings = settings_service.load(ctx)
    try:
        loaded = signer(settings)
    except DkimError as exc:
        raise refusal(exc) from None
    if loaded is None:
        return None
    return DkimRecord(loaded.record_name, loaded.record, settings.dkim_key_file)


class DnsStatus(StrEnum):
    #: The published record has the same key.
    MATCH = "match"
    #: A DKIM record is published under the name, with another key.
    MISMATCH = "mismatch"
    #: The domain answers, but has no record under the name.
    MISSING = "missing"
    #: No DNS server answered: no network, or none configured.
    OFFLINE = "offline"


@dataclass(frozen=True)
class DnsCheck:
    status: DnsStatus
    #: The published text (joined strings) or the resolver's complaint.
    detail: str


class TxtResolver(Protocol):
    def resolve(self, qname: str, rdtype: str, *, lifetime: float) -> dns.resolver.Answer: ...


def _key_of(record: str) -> str:
    """The ``p=`` value of a DKIM record, without the spaces DNS tools insert."""
    for tag in record.split(";"):
        name, _, value = tag.partition("=")
        if name.strip() == "p":
            return "".join(value.split())
    return ""


def check_published(record: DkimRecord, resolver: TxtResolver | None = None) -> DnsCheck:
    """Look the record up in DNS and compare its key with ours.

    Slow (up to :data:`DNS_TIMEOUT`): never on the GUI thread.
    """
    try:
        lookup = resolver or dns.resolver.Resolver()
        answer = lookup.resolve(record.name, "TXT", lifetime=DNS_TIMEOUT)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer) as exc:
        return DnsCheck(DnsStatus.MISSING, str(exc))
    except (dns.resolver.NoNameservers, dns.resolver.NoResolverConfiguration) as exc:
        return DnsCheck(DnsStatus.OFFLINE, str(exc) or "no DNS server is configured")
    except dns.exception.Timeout as exc:
        return DnsCheck(DnsStatus.OFFLINE, str(exc))
    texts = [b"".join(rdata.strings).decode("ascii", "replace") for rdata in answer]
    dkim_texts = [t for t in texts if "p=" in t]
    if not dkim_texts:
        return DnsCheck(DnsStatus.MISSING, " | ".join(texts))
    ours = _key_of(record.record)
    for text in dkim_texts:
        if _key_of(text) == ours:
            return DnsCheck(DnsStatus.MATCH, text)
    return DnsCheck(DnsStatus.MISMATCH, " | ".join(dkim_texts))
