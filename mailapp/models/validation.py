"""Checks of user input that every entry point (CLI, window, import) shares.

An address is judged by :func:`email_validator.validate_email` with its
default rules, which take international addresses (an IDN domain, a
non-ASCII local part). The sending side,
:func:`mailapp.delivery.addresses.envelope_address`, makes the very same
call, so "valid" here means "sendable" there; change the two together
(``tests/unit/test_addresses.py`` checks that they agree).
"""

from __future__ import annotations

from mailapp.models.states import Refused

_HEADER_BREAKERS = ("\r", "\n", "\x00")


def email_status(address: str | None) -> str:
    """``valid``, ``invalid`` or ``none`` for a stored contact address."""
    if address is None or not address.strip():
        return "none"
    # The validator is imported at the first address it judges: it compiles
    # its patterns on import, and the window shows its list without it.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        return "invalid"
    return "valid"


def require_email(address: str, what: str = "Email") -> str:
    """The normalised address, or :class:`Refused` with the validator's reason."""
    text = address.strip()
    if not text:
        raise Refused("email_empty", f"{what} is empty", field=what)
    if any(ch in text for ch in _HEADER_BREAKERS):
        raise Refused("header_injection", f"{what} cannot contain line breaks", field=what)
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Refused(
            "email_invalid",
            f"{what} {text!r} is not valid: {exc}",
            field=what,
            value=text,
            reason=str(exc),
        ) from None


def require_header_text(value: str, what: str, *, required: bool = True, limit: int = 998) -> str:
    """Text that goes into a mail header: no line breaks (header injection)."""
    if any(ch in value for ch in _HEADER_BREAKERS):
        raise Refused("header_injection", f"{what} cannot contain line breaks", field=what)
    text = value.strip()
    if required and not text:
        raise Refused("field_empty", f"{what} is empty", field=what)
    if len(text) > limit:
        raise Refused(
            "field_too_long", f"{what} is longer than {limit} characters", field=what, limit=limit
        )
    return text
