"""The address a message is sent to, as the SMTP envelope and the ``To`` header need it.

The contacts' addresses are judged by :mod:`email_validator` (see
:mod:`mailapp.models.validation`), which accepts international ones:
``anna@bücher.example`` (an IDN domain) and ``jöhn@example.com`` (a
non-ASCII local part, RFC 6531). :func:`envelope_address` turns such an
address into what goes on the wire, with the same normalisation as the
validator, and says whether the transaction needs SMTPUTF8:

* the domain always goes out as IDNA 2008 punycode (``xn--bcher-kva``),
  which every server takes, so an IDN domain alone never needs SMTPUTF8;
* a non-ASCII local part has no ASCII form at all, so it is sendable only to
  a server that offers SMTPUTF8, with ``MAIL FROM ... SMTPUTF8`` and the
  message built by :func:`~mailapp.delivery.message.build_message` with
  ``smtputf8=True``.

It refuses (:class:`AddressError`) exactly the addresses the validator calls
invalid, with the validator's reason, so that "valid" always means
"sendable" and the dispatcher never meets an address it cannot handle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from mailapp.delivery.message import AddressError, unsubscribe_link

__all__ = ["AddressError", "EnvelopeAddress", "envelope_address", "unsubscribe_link"]

_HEADER_BREAKERS = ("\r", "\n", "\x00")


@dataclass(frozen=True, slots=True)
class EnvelopeAddress:
    """One recipient (or sender) address ready for ``RCPT TO`` / ``MAIL FROM``.

    ``address`` is also the address to give :func:`build_message` as ``to``:
    the local part as the validator normalises it (NFC; RFC 2142 names such
    as ``postmaster`` in lower case), an ``@`` and the domain in lower-case
    punycode. ``needs_smtputf8`` is true when the local part is not ASCII.
    """

    address: str
    needs_smtputf8: bool


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: An address whose validation and normalisation are known without the
#: validator: a dot-atom local part at a domain of LDH labels under an
#: alphabetic top-level domain. Anything else takes the validator's path.
_PLAIN = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:{_LABEL}\.)+([A-Za-z]{{1,63}}))")
#: Top-level domains under which the validator refuses some names (RFC 6761).
_SPECIAL_TLDS = frozenset(name.rpartition(".")[2] for name in SPECIAL_USE_DOMAIN_NAMES)
_LOWERED_LOCAL_PARTS = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)
_MAX_ADDRESS = 254  # RFC 5321 §4.5.3.1.3, as the validator counts it


def envelope_address(email: str) -> EnvelopeAddress:
    """The wire form of ``email``, or :class:`AddressError` saying why it cannot be sent.

    Called once per message, so the common plain ASCII address is answered
    without the validator (tens of microseconds); the answer is the one the
    validator would give, as the tests check on generated addresses.
    """
    text = email.strip()
    plain = _PLAIN.fullmatch(text) if len(text) <= _MAX_ADDRESS else None
    if (
        plain is not None
        and "--" not in plain[2]  # punycode and R-LDH labels need the IDNA checks
        and plain[3].lower() not in _SPECIAL_TLDS
        and plain[1].lower() not in _LOWERED_LOCAL_PARTS
    ):
        return EnvelopeAddress(f"{plain[1]}@{plain[2].lower()}", False)
    return _validated(text)


def _validated(email: str) -> EnvelopeAddress:
    """:func:`envelope_address` by the validator itself, for any address."""
    text = email.strip()
    if not text:
        raise AddressError("The address is empty")
    if any(ch in text for ch in _HEADER_BREAKERS):
        raise AddressError(f"The address {text!r} cannot contain line breaks")
    try:
        # The same call as models.validation.email_status: the same verdict.
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AddressError(f"The address {text!r} cannot be sent: {exc}") from None
    local = checked.local_part
    # Not ``checked.smtputf8``: that is about the address as given, and NFC
    # can make a local part ASCII (the Kelvin sign becomes K).
    return EnvelopeAddress(f"{local}@{checked.ascii_domain}", not local.isascii())
