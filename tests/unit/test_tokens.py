"""Recipient tokens: opaque, unforgeable, and readable only with their secret."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailapp.delivery.message import check_unsubscribe_url, unsubscribe_link
from mailapp.delivery.tokens import BOUNCE, TOKEN_LENGTH, UNSUBSCRIBE, BadToken, Tokens

SECRET = bytes(range(32))
TOKENS = Tokens(SECRET)


@given(st.integers(min_value=0, max_value=2**63), st.dates(date(2020, 1, 1), date(2100, 1, 1)))
def test_a_token_reads_back_as_its_recipient_and_day(recipient_id: int, day: date) -> None:
    token = TOKENS.make(recipient_id, day)
    assert re.fullmatch(r"[a-z2-7]+", token) and len(token) == TOKEN_LENGTH == 42
    read = TOKENS.read(token)
    assert (read.recipient_id, read.issued) == (recipient_id, day)
    assert TOKENS.read(token.upper()) == read  # a server may upper-case a VERP local part


def test_neighbouring_recipients_have_unrelated_tokens() -> None:
    now = datetime.now(UTC)
    a, b = TOKENS.make(1000, now), TOKENS.make(1001, now)
    assert sum(x == y for x, y in zip(a, b, strict=True)) < 10
    assert "1000" not in a and "3e8" not in a


@given(st.integers(0, TOKEN_LENGTH - 1), st.sampled_from("abcdefghijklmnopqrstuvwxyz234567"))
def test_a_changed_character_is_refused(position: int, char: str) -> None:
    token = TOKENS.make(42, date(2026, 12, 1))
    forged = token[:position] + char + token[position + 1 :]
    if forged == token:
        return
    with pytest.raises(BadToken):
        TOKENS.read(forged)


def test_tokens_of_another_secret_or_purpose_and_junk_are_refused() -> None:
    other = Tokens(os.urandom(32)).make(42, date(2026, 12, 1))
    for junk in (other, "", "x" * 42, TOKENS.make(42, date(2026, 1, 1))[:-1], "ё" * 42, "1" * 42):
        with pytest.raises(BadToken):
            TOKENS.read(junk)
    bounce = TOKENS.make(42, date(2026, 12, 1), BOUNCE)
    assert TOKENS.read(bounce, BOUNCE).recipient_id == 42
    with pytest.raises(BadToken):
        TOKENS.read(bounce, UNSUBSCRIBE)
    with pytest.raises(ValueError):
        Tokens(b"short")


def test_the_link_carries_the_token_and_the_setting_takes_the_template() -> None:
    template = check_unsubscribe_url("https://shop.example.com/u/{token}?e={email}")
    token = TOKENS.make(7, date(2026, 12, 1))
    link = unsubscribe_link(template, "a+b@example.com", token)
    assert link == f"https://shop.example.com/u/{token}?e=a%2Bb@example.com"
    assert check_unsubscribe_url(link) == link
