"""DKIM signatures checked by dkimpy's own verifier, and the key's every way to be wrong."""

from __future__ import annotations

import stat
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given
from hypothesis import strategies as st

from mailapp.delivery.dkim import (
    SIGNED_HEADERS,
    DkimError,
    DkimSigner,
    check_domain,
    generate_key,
    load_key,
)
from mailapp.delivery.message import build_message, make_message_id
from tests.support.dkim import REQUIRED_HEADERS, DnsFunc, covered, published, signature_tags

#: A 768-bit key, which ``cryptography`` refuses to generate any more.
SMALL_KEY = """\
-----BEGIN PRIVATE KEY-----
MIIB5QIBADANBgkqhkiG9w0BAQEFAASCAc8wggHLAgEAAmEArpo3PsWuJBDZWZ3p
7LoqwrU+YMwDjHAHF8A+UgE5iVbKIXV5DOAsB2IV1GBD9Vql74L3HxiPyFvgHbWp
JlPIZqy8V6K8jt0GVlkZ90og3GitfpN7HLEEDELm8w2DxJjNAgMBAAECYD87/NwQ
DdRkAcOSDGE+vzPLHi9CU9qty/PPHQLoDKVvuD7L465FFc0KueszfglC7ZKKud1K
CLre5w6SB9ZVtR8hJSPJD58NDw6hsYFdMzqu6peOP0X6rJgoTLY1UL1KRQIxANqK
2gwNY5DQKvsX7K/XLKRT2oAQ0EE5Cx7RhDO70kT5k9VaJfelk4ZqbeAxDrnfbwIx
AMyHYF3YDw2loyZ3OgQTihgGwas9BiJLyPVnotitde2vpmj8V0njsBXLIeMML0tt
gwIxAL8fI2Xa57IjexMwbxuwkCf99V5+VcJUgrcm//jGTzNnGLRDLGURdpzcws6H
2JsRHQIwMm0WJ00DuRujc/JlTWf73hycVzm+b2o767VXgxCRSL7Lyoqcgs0uNtFU
U4RHjNM9AjEArWF6+GQ2LaD5BIXjACL//3SXhuKRrhKpvvD7XqRN7nU173i+RxH7
C2awSb4fhS3N
-----END PRIVATE KEY-----
"""


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dkim") / "mail.pem"
    generate_key(path)
    return path


@pytest.fixture(scope="module")
def signer(key_file: Path) -> DkimSigner:
    return DkimSigner.load("Shop.Example.com", "mail", str(key_file))


def dns_of(signer: DkimSigner) -> DnsFunc:
    return published(signer.record_name, signer.record)


def message(to: str = "anna@example.com", subject: str = "Autumn  news ", **kw: object) -> bytes:
    values: dict[str, object] = {
        "sender_name": "Shop Ёлка",
        "sender_email": "news@shop.example.com",
        "to": to,
        "subject": subject,
        "html": "<p>Hello   Anna</p>  \n" * 40 + "\n\n",
        "text": "Hello   Anna  \n" * 40,
        "message_id": make_message_id("shop.example.com"),
        "unsubscribe_url": "https://shop.example.com/u/abc",
        "mailing_id": 7,
    }
    values.update(kw)
    return build_message(**values)  # type: ignore[arg-type]


def test_a_signed_message_verifies_with_the_published_record(signer: DkimSigner) -> None:
    data = signer.sign(message())
    assert dkim.verify(data, dnsfunc=dns_of(signer))
    fields = signature_tags(data)
    assert fields["c"] == "relaxed/relaxed" and fields["a"] == "rsa-sha256"
    assert fields["d"] == "shop.example.com" and fields["s"] == "mail"
    assert covered(data) >= REQUIRED_HEADERS


def test_relaxed_canonicalisation_survives_refolding_and_whitespace(signer: DkimSigner) -> None:
    """What relays do to a message in transit: it still verifies."""
    data = signer.sign(message(subject="A subject long enough " * 5))
    head, body = data.split(b"\r\n\r\n", 1)
    relayed = head.replace(b"Subject: ", b"Subject:   ") + b"\r\n\r\n" + body + b"\r\n\r\n"
    assert dkim.verify(relayed, dnsfunc=dns_of(signer))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.replace(b"Autumn", b"Winter", 1),
        lambda d: d.replace(b"anna@example.com", b"bob@example.com", 1),
        lambda d: d.replace(b"https://shop.example.com/u/abc", b"https://evil.example/u/x", 1),
        lambda d: d.replace(b"Hello   Anna", b"Hello   Bob", 1),
    ],
)
def test_any_change_to_what_is_covered_breaks_the_signature(signer: DkimSigner, change) -> None:  # type: ignore[no-untyped-def]
    data = signer.sign(message())
    changed = change(data)
    assert changed != data
    assert not dkim.verify(changed, dnsfunc=dns_of(signer))


def test_a_header_signed_while_absent_cannot_be_added(signer: DkimSigner) -> None:
    data = signer.sign(message(unsubscribe_url="mailto:leave@shop.example.com"))
    assert b"List-Unsubscribe-Post" not in data
    head, body = data.split(b"\r\n\r\n", 1)
    forged = head + b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\n" + body
    assert dkim.verify(data, dnsfunc=dns_of(signer))
    assert not dkim.verify(forged, dnsfunc=dns_of(signer))


def test_international_messages_are_signed(signer: DkimSigner) -> None:
    data = signer.sign(message(to="jöhn@bücher.example", subject="Привет, ёж", smtputf8=True))
    assert dkim.verify(data, dnsfunc=dns_of(signer))


def test_a_wrong_record_does_not_verify(signer: DkimSigner, tmp_path: Path) -> None:
    other = DkimSigner.load("shop.example.com", "mail", str(_key(tmp_path / "other.pem")))
    assert not dkim.verify(signer.sign(message()), dnsfunc=dns_of(other))


def _key(path: Path, key: object = None, password: bytes | None = None) -> Path:
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    algorithm = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path.write_bytes(
        key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algorithm
        )
    )
    return path


def test_generated_key_is_private_to_its_owner_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "dkim" / "s._domainkey.example.org.pem"
    key = generate_key(path)
    assert key.key_size == 2048
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    with pytest.raises(DkimError, match="already exists"):
        generate_key(path)
    assert path.read_bytes() == before
    assert load_key(path).private_numbers() == key.private_numbers()


def test_a_traditional_openssl_key_is_accepted(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "rsa.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    assert load_key(path).key_size == 2048


def test_every_unusable_key_file_is_refused_with_its_reason(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path / "public.pem"
    public.write_bytes(
        rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    small = tmp_path / "small.pem"
    small.write_text(SMALL_KEY)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    cases = {
        tmp_path / "missing.pem": "does not exist",
        tmp_path: "cannot be read",
        garbage: "does not hold a PEM private key",
        public: "does not hold a PEM private key",
        _key(tmp_path / "locked.pem", password=b"secret"): "protected by a password",
        _key(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1())): "not an RSA key",
        small: "768 bits",
    }
    for path, reason in cases.items():
        with pytest.raises(DkimError, match=reason):
            load_key(path)


def test_half_set_up_dkim_says_what_is_missing(key_file: Path) -> None:
    with pytest.raises(DkimError, match="DkimSelector is empty"):
        DkimSigner.load("shop.example.com", " ", str(key_file))
    with pytest.raises(DkimError, match="DkimKeyFile is empty"):
        DkimSigner.load("shop.example.com", "mail", "")
    with pytest.raises(DkimError, match="not a valid DNS name"):
        DkimSigner.load("shop example.com", "mail", str(key_file))


@pytest.mark.parametrize("bad", ["", "a b.com", "-x.com", "x..com", "a_b.com", "x.com/"])
def test_domains_are_dns_names(bad: str) -> None:
    with pytest.raises(DkimError):
        check_domain(bad)


def test_domains_are_normalised() -> None:
    assert check_domain(" Shop.Example.COM. ") == "shop.example.com"
    assert check_domain("bücher.example") == "xn--bcher-kva.example"
    assert SIGNED_HEADERS[0] == b"from"


@given(st.lists(st.sampled_from(["a", " ", "\t", "b c", "", "=20", "  x"]), max_size=12))
def test_the_quick_relaxed_body_is_dkimpys(lines: list[str]) -> None:
    from dkim.canonicalization import Relaxed

    from mailapp.delivery.dkim import _relaxed_body

    body = "\r\n".join(lines).encode() + b"\r\n" * (len(lines) % 3)
    assert _relaxed_body(body) == Relaxed.canonicalize_body(body)
