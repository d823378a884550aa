"""Message bytes: CRLF, the headers providers expect, and no header injection."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from mailapp.delivery.message import (
    HeaderInjection,
    MessageError,
    build_message,
    make_message_id,
)


def build(**changes: Any) -> bytes:
    values: dict[str, Any] = {
        "sender_name": "Магазин «Весна»",
        "sender_email": "news@shop.example.com",
        "to": "anna@example.org",
        "subject": "Скидки для вас, Анна",
        "html": "<p>Привет!</p>\n<p>.dot</p>",
        "text": "Привет!\n.dot\n",
        "message_id": "<abc.123@shop.example.com>",
        "unsubscribe_url": "https://shop.example.com/u?c=1&t=x",
        "mailing_id": 42,
    }
    values.update(changes)
    return build_message(**values)


def parse(data: bytes) -> EmailMessage:
    msg = message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_every_line_ends_with_crlf() -> None:
    data = build()
    assert b"\r\n" in data
    assert re.search(rb"(?<!\r)\n", data) is None
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_headers() -> None:
    msg = parse(build())
    assert msg["From"].addresses[0].display_name == "Магазин «Весна»"
    assert msg["From"].addresses[0].addr_spec == "news@shop.example.com"
    assert msg["To"] == "anna@example.org"
    assert msg["Subject"] == "Скидки для вас, Анна"
    assert msg["Message-ID"] == "<abc.123@shop.example.com>"
    assert msg["Date"].datetime is not None
    assert msg["MIME-Version"] == "1.0"
    assert msg["List-Unsubscribe"] == "<https://shop.example.com/u?c=1&t=x>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["X-Mailapp-Mailing"] == "42"


def test_non_ascii_headers_are_encoded_words() -> None:
    data = build()
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert b"=?utf-8?" in head


def test_alternative_parts() -> None:
    msg = parse(build())
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    # text parts travel with canonical CRLF line ends
    assert plain.get_content().replace("\r\n", "\n") == "Привет!\n.dot\n"
    assert html.get_content().replace("\r\n", "\n") == "<p>Привет!</p>\n<p>.dot</p>\n"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


def test_a_long_unsubscribe_link_stays_one_usable_header() -> None:
    url = "https://shop.example.com/unsubscribe?token=" + "a" * 300
    data = build(unsubscribe_url=url)
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in data


def test_http_and_mailto_links_have_no_one_click_header() -> None:
    for url in ("http://shop.example.com/u", "mailto:unsub@shop.example.com?subject=x"):
        msg = parse(build(unsubscribe_url=url))
        assert msg["List-Unsubscribe"] == f"<{url}>"
        assert msg["List-Unsubscribe-Post"] is None


def test_without_a_link_the_sender_gets_unsubscribe_mails() -> None:
    msg = parse(build(unsubscribe_url=""))
    assert msg["List-Unsubscribe"] == "<mailto:news@shop.example.com?subject=unsubscribe>"


@pytest.mark.parametrize(
    "field",
    ["sender_name", "sender_email", "to", "subject", "message_id", "unsubscribe_url"],
)
@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r"])
def test_line_breaks_in_any_header_are_refused(field: str, breaker: str) -> None:
    values = {
        "sender_name": "News",
        "sender_email": "news@shop.example.com",
        "to": "anna@example.org",
        "subject": "Hi",
        "message_id": "<a@b.example>",
        "unsubscribe_url": "https://x.example/u",
    }
    values[field] = values[field] + breaker + "Bcc: victim@example.com"
    with pytest.raises(HeaderInjection, match="line breaks"):
        build(**values)


def test_header_injection_is_a_value_error() -> None:
    assert issubclass(HeaderInjection, ValueError)
    with pytest.raises(ValueError):
        build(mailing_id="1\nX: y")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"to": "not-an-address"}, "not an email address"),
        ({"message_id": "no-brackets@x"}, "Message-ID"),
        ({"unsubscribe_url": "https://x.example/a b"}, "without spaces"),
        ({"unsubscribe_url": "javascript:alert(1)"}, "must start with"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, str], words: str) -> None:
    with pytest.raises(MessageError, match=words):
        build(**changes)


def test_international_domain_is_punycoded() -> None:
    msg = parse(build(to="ivan@пример.рф"))
    assert msg["To"] == "ivan@xn--e1afmkfd.xn--p1ai"


def test_message_ids_are_unique_and_use_the_domain() -> None:
    ids = {make_message_id("Shop.Example.com") for _ in range(2000)}
    assert len(ids) == 2000
    for mid in list(ids)[:5]:
        assert re.fullmatch(r"<[0-9a-f.]+@shop\.example\.com>", mid)
    assert make_message_id("пример.рф").endswith("@xn--e1afmkfd.xn--p1ai>")
    with pytest.raises(MessageError):
        make_message_id("bad domain")
    with pytest.raises(HeaderInjection):
        make_message_id("x.example\r\nBcc: y")


# -- the fast builder against the email package -----------------------------


def reference_message(
    *,
    sender_name: str,
    sender_email: str,
    to: str,
    subject: str,
    html: str,
    text: str,
    message_id: str,
    unsubscribe_url: str | None,
    mailing_id: int | str,
) -> bytes:
    """The message as the email package builds it: the reference for equivalence."""
    from email.message import MIMEPart

    from mailapp.delivery.message import POLICY, _address, unsubscribe_headers

    msg = EmailMessage(policy=POLICY)
    msg["From"] = _address(sender_name, sender_email, "Sender")
    msg["To"] = _address("", to, "Recipient")
    msg["Subject"] = subject
    msg["Date"] = "Fri, 27 Nov 2026 06:37:54 +0000"
    msg["Message-ID"] = message_id.strip()
    msg["MIME-Version"] = "1.0"
    for name, value in unsubscribe_headers(unsubscribe_url, sender_email).items():
        msg[name] = value
    msg["X-Mailapp-Mailing"] = str(mailing_id)
    msg.make_alternative()
    for content, subtype in ((text, "plain"), (html, "html")):
        part = MIMEPart(policy=POLICY)
        part.set_content(content, subtype=subtype, charset="utf-8")
        msg.attach(part)  # type: ignore[arg-type]
    return msg.as_bytes()


def structure(data: bytes) -> tuple[object, ...]:
    """What a receiving client sees: header values, part types and decoded bodies."""
    msg = message_from_bytes(data, policy=policy.SMTP)
    assert isinstance(msg, EmailMessage)
    headers = [
        (name, str(value)) for name, value in msg.items() if name not in ("Date", "Content-Type")
    ]
    assert msg["Date"].datetime.utcoffset().total_seconds() == 0
    assert not msg.defects
    parts = []
    for part in msg.iter_parts():
        assert not part.defects
        parts.append(
            (
                part.get_content_type(),
                part.get_content_charset(),
                part.get_payload(decode=True),
                part.get_content(),
            )
        )
    return msg.get_content_type(), headers, parts


LONG_LINE = "Очень длинная строка без переносов. " * 40  # > 998 bytes in UTF-8
SUBJECTS = [
    "Hi",
    "Скидки для вас, Анна",
    "Spring sale: up to 50% off for Anna Ivanova, only this week, do not miss it now",
    "A" * 120,
    "Ünïcödé café — déjà vu",
    "Скидки " * 30,
    "Emoji 🎉 party 🎉🎉 and more 👨‍👩‍👧 family",
    "Sale  -  50%",
    " leading and trailing ",
    "Tab\there",
    "=?utf-8?q?looks_encoded?=",
    "",
    "Price 100\xa0€ — сегодня",
    "x" * 60 + " " + "y" * 70 + " z",
]
BODIES = [
    ("Привет!\n.dot\n", "<p>Привет!</p>\n<p>.dot</p>"),
    ("Hello\n", "<p>Hello</p>"),
    ("Hello there " * 30, "<p>" + "Hello there " * 30 + "</p>\n" * 12),
    (LONG_LINE, "<p>" + LONG_LINE + "</p>"),
    ("a  \nb\t\n\n.\nFrom here\r\nend", "<br>  \r<b>x</b>=3D=\n" * 20),
    ("", ""),
    ("--===============1234567890123456789==\n", "x\n"),
]
ADDRESSES = [
    ("Магазин «Весна»", "news@shop.example.com", "anna@example.org"),
    ('Shop, Inc. "x"', "news@Shop.Example.com", "Ivan.Petrov+tag@Mail.example.ru"),
    ("", "news@shop.example.com", "ivan@пример.рф"),
    ("Очень длинное имя отправителя " * 3, "n@shop.example.com", "a" * 60 + "@example.com"),
    ("News", "news@shop.example.com", '"odd local"@example.com'),
]
URLS = [
    "https://shop.example.com/u?c=1&t=x",
    "https://shop.example.com/unsubscribe?token=" + "a" * 300,
    "http://shop.example.com/u",
    "mailto:unsub@shop.example.com?subject=x",
    "",
    None,
]


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("names", ADDRESSES)
def test_same_as_the_email_package_for_headers(subject: str, names: tuple[str, ...]) -> None:
    sender_name, sender_email, to = names
    for url in URLS[ADDRESSES.index(names) % 2 :: 2]:
        values: dict[str, Any] = {
            "sender_name": sender_name,
            "sender_email": sender_email,
            "to": to,
            "subject": subject,
            "html": "<p>x</p>",
            "text": "x\n",
            "message_id": " <abc.123@shop.example.com> ",
            "unsubscribe_url": url,
            "mailing_id": 42,
        }
        fast = build_message(**values)
        assert structure(fast) == structure(reference_message(**values))
        check_wire_format(fast)


@pytest.mark.parametrize(("text", "html"), BODIES)
def test_same_as_the_email_package_for_bodies(text: str, html: str) -> None:
    values: dict[str, Any] = {
        "sender_name": "Магазин",
        "sender_email": "news@shop.example.com",
        "to": "anna@example.org",
        "subject": "Скидки",
        "html": html,
        "text": text,
        "message_id": "<abc.123@shop.example.com>",
        "unsubscribe_url": "https://shop.example.com/u",
        "mailing_id": "m-7",
    }
    fast = build_message(**values)
    reference = reference_message(**values)
    assert structure(fast) == structure(reference)
    check_wire_format(fast)

    # the same transfer encodings as the email package chooses
    def encodings(data: bytes) -> list[str]:
        return re.findall(r"Content-Transfer-Encoding: (\S+)", data.decode("ascii"))

    assert encodings(fast) == encodings(reference)


def check_wire_format(data: bytes) -> None:
    assert data.isascii()
    assert re.search(rb"(?<!\r)\n|\r(?!\n)", data) is None
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    head = data.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 998


def test_encoding_choice_matches_the_email_package_for_random_texts() -> None:
    import random
    from email.message import MIMEPart

    from mailapp.delivery.message import POLICY, encode_body

    rng = random.Random(5)
    alphabet = ["a", "b", " ", "=", "\n", "é", "Ж", "\t", ".", "x" * 90, "€"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))
        part = MIMEPart(policy=POLICY)
        part.set_content(text, subtype="plain", charset="utf-8")
        cte, data = encode_body(text)
        assert cte == part["Content-Transfer-Encoding"]
        reparsed = message_from_bytes(
            b"Content-Transfer-Encoding: " + cte.encode() + b"\r\n\r\n" + data,
            policy=policy.SMTP,
        )
        assert reparsed.get_payload(decode=True) == part.get_payload(decode=True).replace(
            b"\r\n", b"\n"
        ).replace(b"\n", b"\r\n")


# -- international addresses (RFC 5890 domains, RFC 6531/6532 local parts) ------


def to_header(data: bytes) -> str:
    """The unfolded ``To`` value as written, UTF-8 (RFC 6532) allowed."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    value = re.search(r"^To:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.MULTILINE)
    assert value is not None
    return value.group(1).replace("\r\n", "").strip()


@pytest.mark.parametrize(
    ("to", "written"),
    [
        ("anna@bücher.example", "anna@xn--bcher-kva.example"),
        # IDNA 2008 (UTS 46 non-transitional), as email_validator converts it:
        # IDNA 2003 would turn ß into ss, which is another domain.
        ("anna@faß.de", "anna@xn--fa-hia.de"),
        ("anna@Bücher.Example", "anna@xn--bcher-kva.example"),
    ],
)
def test_international_domains_go_out_as_the_validator_converts_them(to: str, written: str) -> None:
    data = build(to=to)
    check_wire_format(data)
    assert to_header(data) == written


def test_a_non_ascii_local_part_needs_smtputf8() -> None:
    with pytest.raises(MessageError, match="SMTPUTF8"):
        build(to="jöhn@example.com")
    with pytest.raises(MessageError, match="SMTPUTF8"):
        build(to="jöhn@example.com", smtputf8=False)


@pytest.mark.parametrize(
    ("to", "written"),
    [
        ("jöhn@example.com", "jöhn@example.com"),
        ("jöhn@bücher.example", "jöhn@xn--bcher-kva.example"),
        ("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
        ("ö" * 100 + "@example.com", "ö" * 100 + "@example.com"),
    ],
)
def test_over_smtputf8_the_to_header_carries_the_utf8_address(to: str, written: str) -> None:
    data = build(to=to, smtputf8=True)
    head, _, body = data.partition(b"\r\n\r\n")
    assert to_header(data) == written
    # Only the address is 8-bit: the rest keeps its 7-bit encodings.
    assert body.isascii()
    assert b"=?utf-8?" in head  # the sender name and the subject are still encoded words
    assert re.search(rb"(?<!\r)\n|\r(?!\n)", data) is None
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    msg = message_from_bytes(data, policy=policy.SMTPUTF8)
    assert msg["Subject"] == "Скидки для вас, Анна"
    assert not msg.defects


def test_smtputf8_changes_nothing_for_an_ascii_address() -> None:
    plain = build(to="anna@example.org", message_id="<x@y.example>")
    utf8 = build(to="anna@example.org", message_id="<x@y.example>", smtputf8=True)

    def without_date(data: bytes) -> bytes:
        return re.sub(rb"Date: [^\r]*\r\n", b"", data)

    assert without_date(plain) == without_date(utf8)


def test_a_quoted_local_part_is_not_quoted_twice() -> None:
    assert to_header(build(to='"john"@example.com')) == "john@example.com"
    assert to_header(build(to='"odd local"@example.com')) == '"odd local"@example.com'


def test_an_international_sender_domain_gets_a_usable_fallback_link() -> None:
    msg = parse(build(sender_email="news@bücher.example", unsubscribe_url=""))
    assert msg["From"].addresses[0].addr_spec == "news@xn--bcher-kva.example"
    assert msg["List-Unsubscribe"] == "<mailto:news@xn--bcher-kva.example?subject=unsubscribe>"


def test_a_non_ascii_sender_needs_smtputf8_too() -> None:
    with pytest.raises(MessageError, match="SMTPUTF8"):
        build(sender_email="jöhn@shop.example.com")
    data = build(sender_email="jöhn@shop.example.com", unsubscribe_url="", smtputf8=True)
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    assert "<jöhn@shop.example.com>" in head
    # the fallback link percent-encodes the UTF-8 local part (RFC 6068)
    assert "List-Unsubscribe: <mailto:j%C3%B6hn@shop.example.com?subject=unsubscribe>" in head


# -- the unsubscribe link rule, shared with the UnsubscribeUrl setting ----------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("unsubscribe me", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("www.shop.example.com/u", "scheme"),
        ("https://x.example/a b", "characters"),
        ("https://x.example/ä", "characters"),
        ("https://x.example/<u>", "characters"),
        ("https://x.example/" + "a" * 883, "too_long"),
    ],
)
def test_check_unsubscribe_url_names_the_problem(url: str, problem: str) -> None:
    from mailapp.delivery.message import UnsubscribeLinkError, check_unsubscribe_url

    with pytest.raises(UnsubscribeLinkError) as caught:
        check_unsubscribe_url(url)
    assert caught.value.problem == problem
    assert isinstance(caught.value, MessageError)
    with pytest.raises(MessageError):
        build(unsubscribe_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "  ",
        "https://shop.example.com/u?e={email}&t={token}",
        "HTTPS://shop.example.com/u",
        "http://shop.example.com/u",
        "mailto:unsub@shop.example.com?subject={email}",
        "https://x.example/" + "a" * 882,
    ],
)
def test_check_unsubscribe_url_accepts_links_and_templates(url: str) -> None:
    from mailapp.delivery.message import check_unsubscribe_url

    assert check_unsubscribe_url(url) == url.strip()


def test_unsubscribe_link_percent_encodes_the_address() -> None:
    from mailapp.delivery.message import unsubscribe_link

    template = "https://shop.example.com/u?e={email}&t={token}"
    assert (
        unsubscribe_link(template, "anna+sale@example.org")
        == "https://shop.example.com/u?e=anna%2Bsale@example.org&t={token}"
    )
    assert (
        unsubscribe_link(template, "a&b=c/d?e#f%g@example.org")
        == "https://shop.example.com/u?e=a%26b%3Dc%2Fd%3Fe%23f%25g@example.org&t={token}"
    )
    assert unsubscribe_link(template, "jöhn@bücher.example") == (
        "https://shop.example.com/u?e=j%C3%B6hn@b%C3%BCcher.example&t={token}"
    )
    assert unsubscribe_link("https://x.example/u/{email}/{email}", "a@b.example") == (
        "https://x.example/u/a@b.example/a@b.example"
    )
    assert unsubscribe_link("https://x.example/u", "a@b.example") == "https://x.example/u"
    assert unsubscribe_link("", "a@b.example") == ""
    # whatever the address, the link stays one the builder accepts
    link = unsubscribe_link(template, "o'neil+x{y}|z~@ex.example")
    assert build(unsubscribe_url=link)
