"""DKIM (RFC 6376): the key, the record to publish, and the signature of every message.

Mailbox providers require bulk mail to carry a DKIM signature of the sender's
domain (relaxed/relaxed, ``rsa-sha256``, a key of 2048 bits). The message
format is dkimpy's: its parser, its relaxed canonicalisation of headers and
body, its header hashing and folding, so a signature is what dkimpy's own
verifier expects. Only the RSA operation is OpenSSL's (``cryptography``):
dkimpy's pure Python RSA takes about 10 ms a signature, ten times what
building and sending the whole message costs; OpenSSL takes 0.4 ms.

The signature covers :data:`SIGNED_HEADERS`, every one of them whether the
message has it or not: a header that is signed while absent cannot be added
later without breaking the signature (``List-Unsubscribe-Post`` is only on
messages with an https unsubscribe link).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import dkim
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from dkim.canonicalization import (
    CanonicalizationPolicy,
    correct_empty_body,
    strip_trailing_lines,
)

#: The headers every signature covers, in the order of ``h=``.
SIGNED_HEADERS: tuple[bytes, ...] = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
)
KEY_BITS = 2048
#: Shorter keys are refused: receivers ignore (Gmail) or distrust them.
MIN_KEY_BITS = 1024
_POLICY = CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
_SIGNED_SET = frozenset(SIGNED_HEADERS)
#: One DNS label: letters, digits, hyphens, not at either end (RFC 1035).
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class DkimError(ValueError):
    """DKIM cannot be used as set up; the message says what to change.

    ``problem`` names the rule (``name``, ``missing``, ``unreadable``,
    ``not_pem``, ``password``, ``not_rsa``, ``too_small``, ``exists``,
    ``no_selector``, ``no_key_file``) and ``params`` its values, so the
    window can say it in the UI language.
    """

    def __init__(self, message: str, problem: str, **params: object) -> None:
        super().__init__(message)
        self.problem = problem
        self.params = params


def check_domain(text: str, what: str = "DKIM domain") -> str:
    """``text`` as a lower-case ASCII domain name (IDNA for a non-ASCII one)."""
    name = text.strip().rstrip(".").lower()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise DkimError(f"{what} {text!r} is not a valid DNS name", "name", value=text) from None
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise DkimError(
            f"{what} {text!r} is not a valid DNS name "
            "(letters, digits and hyphens, in parts separated by dots)",
            "name",
            value=text,
        )
    return name


def check_selector(text: str) -> str:
    """A selector: one or more DNS labels (``mail``, ``2026.news``)."""
    return check_domain(text, "DKIM selector")


def record_name(domain: str, selector: str) -> str:
    """Where the public key is published: ``selector._domainkey.domain``."""
    return f"{check_selector(selector)}._domainkey.{check_domain(domain)}"


def load_key(path: str | os.PathLike[str]) -> rsa.RSAPrivateKey:
    """The RSA private key in the PEM file ``path``, or :class:`DkimError` saying why not."""
    file = Path(path).expanduser()
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise DkimError(
            f"The DKIM key file {file} does not exist", "missing", path=str(file)
        ) from None
    except OSError as exc:
        raise DkimError(
            f"The DKIM key file {file} cannot be read: {exc.strerror}",
            "unreadable",
            path=str(file),
            reason=exc.strerror or "",
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise DkimError(
            f"The DKIM key file {file} is protected by a password; "
            "the key must be stored without one (keep the file readable only by you)",
            "password",
            path=str(file),
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise DkimError(
            f"The DKIM key file {file} does not hold a PEM private key "
            "('-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----')",
            "not_pem",
            path=str(file),
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DkimError(f"The DKIM key in {file} is not an RSA key", "not_rsa", path=str(file))
    if key.key_size < MIN_KEY_BITS:
        raise DkimError(
            f"The DKIM key in {file} has {key.key_size} bits; "
            f"at least {MIN_KEY_BITS} are needed ({KEY_BITS} recommended)",
            "too_small",
            path=str(file),
            bits=key.key_size,
            minimum=MIN_KEY_BITS,
        )
    return key


def public_record(key: rsa.RSAPrivateKey) -> str:
    """The TXT record to publish for ``key``: ``v=DKIM1; k=rsa; p=…``."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode('ascii')}"


def generate_key(path: Path) -> rsa.RSAPrivateKey:
    """A new 2048-bit key written to ``path`` readable by its owner only (0600).

    The file is created with those permissions (never world-readable for a
    moment) and never replaces an existing one: an old key may still be the
    one published in DNS.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise DkimError(
            f"The DKIM key file {path} already exists; choose another selector "
            "or point DkimKeyFile at it",
            "exists",
            path=str(path),
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


@dataclass(frozen=True)
class DkimSigner:
    """Signs messages for one domain and selector with one key."""

    domain: str
    selector: str
    key: rsa.RSAPrivateKey

    @classmethod
    def load(cls, domain: str, selector: str, key_file: str) -> DkimSigner:
        """The signer of the DKIM settings, or :class:`DkimError` naming what is wrong."""
        if not selector.strip():
            raise DkimError("DKIM is set up for a domain but DkimSelector is empty", "no_selector")
        if not key_file.strip():
            raise DkimError("DKIM is set up for a domain but DkimKeyFile is empty", "no_key_file")
        return cls(check_domain(domain), check_selector(selector), load_key(key_file))

    @property
    def record_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def record(self) -> str:
        return public_record(self.key)

    def sign(self, message: bytes) -> bytes:
        """``message`` (CRLF bytes) with its ``DKIM-Signature`` header in front."""
        return self.signature(message) + message

    def signature(self, message: bytes) -> bytes:
        """The ``DKIM-Signature`` header line (CRLF-ended) for ``message``."""
        head, _, body = message.partition(b"\r\n\r\n")
        headers, _ = dkim.rfc822_parse(head + b"\r\n\r\n")
        signed = [h for h in headers if h[0].lower() in _SIGNED_SET]
        body_hash = base64.b64encode(hashlib.sha256(_relaxed_body(body)).digest())
        fields = [
            (b"v", b"1"),
            (b"a", b"rsa-sha256"),
            (b"c", b"relaxed/relaxed"),
            (b"d", self.domain.encode("ascii")),
            (b"s", self.selector.encode("ascii")),
            (b"t", str(int(time.time())).encode("ascii")),
            (b"h", b" : ".join(SIGNED_HEADERS)),
            (b"bh", body_hash),
            (b"b", b""),
        ]
        unsigned: bytes = dkim.fold(b"; ".join(b"=".join(f) for f in fields), namelen=16)
        digest = hashlib.sha256()
        dkim.hash_headers(
            digest,
            _POLICY,
            _POLICY.canonicalize_headers(signed),
            SIGNED_HEADERS,
            (b"DKIM-Signature", b" " + unsigned),
            dict(fields),
        )
        signature = self.key.sign(
            digest.digest(), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
        )
        # b= last, folded on lines of its own: the value hashed above is
        # the same text with b= empty, and relaxed canonicalisation ignores
        # where the folds are.
        value = unsigned + b"\r\n  " + _fold_base64(base64.b64encode(signature))
        return b"DKIM-Signature: " + value + b"\r\n"


def _relaxed_body(body: bytes) -> bytes:
    """The body in relaxed canonical form (RFC 6376 §3.4.4), as dkimpy makes it.

    dkimpy's regular expressions replace every run of spaces, even a single
    space, which is most of a message; a body with no tab, no double space
    and no space before a line end is already canonical but for its empty
    last lines, and only those are cut here.
    """
    if b"\t" in body or b"  " in body or b" \r\n" in body:
        return bytes(_POLICY.canonicalize_body(body))
    return bytes(correct_empty_body(strip_trailing_lines(body)))


def _fold_base64(data: bytes, width: int = 72) -> bytes:
    return b"\r\n  ".join(data[i : i + width] for i in range(0, len(data), width))
