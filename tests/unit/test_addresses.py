"""Envelope addresses, and the validator and the builder agreeing on every address.

The validator (:mod:`mailapp.models.validation`) decides which contacts are
sendable; :func:`envelope_address` and :func:`build_message` must then be
able to send each of them, over SMTPUTF8 when the local part needs it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mailapp.delivery.addresses import AddressError, EnvelopeAddress, envelope_address
from mailapp.delivery.message import MessageError, build_message
from mailapp.models import Refused
from mailapp.models.validation import email_status, require_email


def build(to: str, *, smtputf8: bool) -> bytes:
    return build_message(
        sender_name="Магазин",
        sender_email="news@shop.example.com",
        to=to,
        subject="Скидки",
        html="<p>x</p>",
        text="x\n",
        message_id="<abc.123@shop.example.com>",
        unsubscribe_url="https://shop.example.com/u",
        mailing_id=42,
        smtputf8=smtputf8,
    )


def to_header(data: bytes) -> str:
    """The unfolded ``To`` value as written, UTF-8 (RFC 6532) allowed."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    value = re.search(r"^To:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.MULTILINE)
    assert value is not None
    return value.group(1).replace("\r\n", "").strip()


# -- envelope_address ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "address", "needs_smtputf8"),
    [
        ("anna@example.org", "anna@example.org", False),
        ("  anna@example.org ", "anna@example.org", False),
        ("Ivan.Petrov+tag@Mail.Example.RU", "Ivan.Petrov+tag@mail.example.ru", False),
        ("anna@bücher.example", "anna@xn--bcher-kva.example", False),
        ("anna@xn--bcher-kva.example", "anna@xn--bcher-kva.example", False),
        ("anna@faß.de", "anna@xn--fa-hia.de", False),
        ("ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai", False),
        ("jöhn@example.com", "jöhn@example.com", True),
        ("Jöhn@Bücher.Example", "Jöhn@xn--bcher-kva.example", True),
        # NFC, as email_validator normalises the local part (RFC 6532 §3.1)
        ("jo\u0308hn@example.com", "jöhn@example.com", True),
        # RFC 2142 mailbox names are case-insensitive: email_validator lowers them
        ("Postmaster@Example.com", "postmaster@example.com", False),
        ("a+b/c=d?e&f#g%h@x.example", "a+b/c=d?e&f#g%h@x.example", False),
        ("x" * 200 + "@example.com", "x" * 200 + "@example.com", False),
    ],
)
def test_envelope_address(email: str, address: str, needs_smtputf8: bool) -> None:
    envelope = envelope_address(email)
    assert envelope == EnvelopeAddress(address=address, needs_smtputf8=needs_smtputf8)
    assert envelope.address.rpartition("@")[2].isascii()


def test_an_envelope_address_is_frozen() -> None:
    envelope = envelope_address("anna@example.org")
    with pytest.raises(dataclasses.FrozenInstanceError):
        envelope.address = "eve@example.org"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("not-an-address", "@-sign"),
        ("anna@example.org\r\nBcc: eve@example.org", "line breaks"),
        ("anna@exa mple.org", "invalid characters"),
        ('"odd local"@example.com', "Quoting"),
        ("a.@example.com", "period"),
        ("anna@example.com.", "period"),
        ("anna@[192.0.2.1]", "bracketed IP address"),
        ("anna@localhost", "period"),
        ("anna@shop.test", "special-use"),
        ("x" * 250 + "@example.com", "too long"),
        ("anna@" + "b" * 64 + ".com", "so many characters"),
    ],
)
def test_an_address_that_cannot_be_sent_is_refused_with_a_reason(email: str, reason: str) -> None:
    with pytest.raises(AddressError) as caught:
        envelope_address(email)
    assert isinstance(caught.value, MessageError)
    assert reason in str(caught.value)
    assert str(caught.value).isascii()


# -- the validator and the sender agree --------------------------------------------------

ODD_ADDRESSES = [
    "anna@example.org",
    "ANNA@EXAMPLE.ORG",
    "anna@bücher.example",
    "jöhn@example.com",
    "jöhn@bücher.example",
    "用户@例子.广告",
    "ö" * 100 + "@example.com",
    "ö" * 80 + "@" + "ü" * 40 + ".example",
    "x" * 64 + "@example.com",
    "x" * 65 + "@example.com",
    "x" * 240 + "@example.com",
    "x" * 241 + "@example.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["b" * 60] * 4) + ".com",
    '"john"@example.com',
    '"odd local"@example.com',
    '"a\\"b"@example.com',
    '"jöhn doe"@example.com',
    "a.@example.com",
    ".a@example.com",
    "a..b@example.com",
    "a@example.com.",
    "a@.example.com",
    "a@example..com",
    "a@-example.com",
    "a@example-.com",
    "a@ab--cd.com",
    "a@xn--bcher-kva.example",
    "a@xn--zz.example",
    "a@example.123",
    "a@1.com",
    "a@[192.0.2.1]",
    "a@[IPv6:2001:db8::1]",
    "a@localhost",
    "a@shop.local",
    "a@shop.test",
    "a@example。com",
    "a@ｅｘａｍｐｌｅ.com",
    "i@ⅷ.com",
    "a@faß.de",
    "Info@example.com",
    "jo\u0308hn@example.com",
    "a\u200db@example.com",
    "a\u202eb@example.com",
    "😀@example.com",
    "a@😀.example",
    "a@ex\u0301ample.com",
    "a+b/c=d?e&f#g%h{i}|j~k'l^m`n$o!p*q@example.com",
    "Anna <anna@example.org>",
    "anna@example.org\r\nBcc: eve@example.org",
    "anna@exa mple.org",
    "a@b",
    "@example.com",
    "anna@",
    "",
    "a@1.2.3.4",
    "a@אב.com",
    "a@1.אב.com",
]


def check_agreement(address: str) -> None:
    """Valid for the validator ⇔ sendable: the builder and the envelope agree."""
    if email_status(address) != "valid":
        with pytest.raises(AddressError) as caught:
            envelope_address(address)
        assert str(caught.value)
        return
    normalised = require_email(address)
    envelope = envelope_address(address)
    assert envelope_address(normalised) == envelope
    local, _, domain = envelope.address.rpartition("@")
    assert domain.isascii()
    assert envelope.needs_smtputf8 == (not local.isascii())
    assert local == unicodedata.normalize("NFC", local)
    for to in (envelope.address, address, normalised):
        data = build(to, smtputf8=envelope.needs_smtputf8)
        written = to_header(data)
        assert envelope_address(written) == envelope, (to, written)
        if envelope.needs_smtputf8:
            with pytest.raises(MessageError, match="SMTPUTF8"):
                build(to, smtputf8=False)
        else:
            assert data.isascii()
            assert build(to, smtputf8=False) is not None
    assert to_header(build(envelope.address, smtputf8=envelope.needs_smtputf8)) == (
        envelope.address
    )


@pytest.mark.parametrize("address", ODD_ADDRESSES)
def test_odd_addresses_agree(address: str) -> None:
    check_agreement(address)


def test_some_odd_addresses_are_valid_and_some_are_not() -> None:
    statuses = {email_status(a) for a in ODD_ADDRESSES}
    assert statuses == {"valid", "invalid", "none"}
    valid = [a for a in ODD_ADDRESSES if email_status(a) == "valid"]
    assert any(envelope_address(a).needs_smtputf8 for a in valid)
    assert any(not envelope_address(a).address.isascii() for a in valid)


_ATEXT = "abcXYZ019!#$%&'*+-/=?^_`{|}~"
_LOCAL_CHAR = st.sampled_from([*_ATEXT, ".", "ö", "Ж", "日", "\u0308", "😀", " ", '"', "\\", "@"])
_LABEL = st.one_of(
    st.sampled_from(["example", "com", "bücher", "пример", "рф", "faß", "xn--bcher-kva", "test"]),
    st.sampled_from(["localhost", "local", "ab--cd", "-x", "x-", "123", "EXAMPLE", "例子", "ⅷ"]),
    st.text(alphabet="abz09-", min_size=1, max_size=70),
)
_LOCAL = st.one_of(
    st.text(alphabet=_LOCAL_CHAR, min_size=0, max_size=30),
    st.text(alphabet=_LOCAL_CHAR, min_size=0, max_size=30).map(lambda s: f'"{s}"'),
    st.integers(min_value=1, max_value=260).map(lambda n: "x" * n),
)
_DOMAIN = st.one_of(
    st.lists(_LABEL, min_size=1, max_size=5).map(".".join),
    st.lists(_LABEL, min_size=1, max_size=3).map(lambda labels: ".".join(labels) + "."),
    st.sampled_from(["[192.0.2.1]", "[IPv6:2001:db8::1]", "", "example。com"]),
)
ODD = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ODD)
@example("jöhn@bücher.example")
def test_generated_odd_addresses_agree(address: str) -> None:
    check_agreement(address)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_text_agrees(text: str) -> None:
    check_agreement(text)
    check_agreement(text + "@example.com")


# -- the fast path is the validator's answer ----------------------------------------------

_ASCII_LOCAL = st.text(alphabet=_ATEXT + ".", min_size=0, max_size=80)
_ASCII_LABEL = st.one_of(
    st.text(alphabet="aZ09-", min_size=0, max_size=66),
    st.sampled_from(["xn--bcher-kva", "xn--zz", "ab--cd", "localhost", "local", "test", "arpa"]),
    st.sampled_from(["onion", "invalid", "com", "COM", "a", "1", "Postmaster", "INFO"]),
)
_ASCII_ADDRESS = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.one_of(_ASCII_LOCAL, st.sampled_from(["Postmaster", "ABUSE", "info", "Sales", "x" * 250])),
    st.lists(_ASCII_LABEL, min_size=1, max_size=5),
)


def _outcome(function: Any, address: str) -> object:
    try:
        return function(address)
    except AddressError as exc:
        return ("refused", str(exc))


@settings(max_examples=500, deadline=None)
@given(_ASCII_ADDRESS)
@example("Postmaster@example.com")
@example("a@" + "b" * 63 + ".com")
@example("x" * 242 + "@example.com")
def test_the_fast_path_answers_as_the_validator(address: str) -> None:
    from mailapp.delivery import addresses

    assert _outcome(envelope_address, address) == _outcome(addresses._validated, address)


def test_require_email_and_envelope_address_give_the_same_reason() -> None:
    with pytest.raises(Refused) as refused:
        require_email("a.@example.com")
    with pytest.raises(AddressError) as caught:
        envelope_address("a.@example.com")
    assert refused.value.params["reason"] in str(caught.value)


@pytest.mark.parametrize("address", ["\n0@example.com", "a@example.com\r\n", "\t b@example.com"])
def test_whitespace_around_an_address_is_ignored_by_both(address: str) -> None:
    check_agreement(address)
