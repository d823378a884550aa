"""``mailapp dkim generate`` and the DKIM settings, as scripts use them."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dkim
import pytest

from tests.cli.clihelp import Cli


def test_generate_makes_a_private_key_sets_it_and_prints_the_record(
    cli: Cli, isolated_home: Path
) -> None:
    result = cli("dkim", "generate", "--domain", "Shop.Example.com", "--selector", "mail", "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert set(shown) == {"name", "record"}
    assert shown["name"] == "mail._domainkey.shop.example.com"
    assert shown["record"].startswith("v=DKIM1; k=rsa; p=MII")
    key = isolated_home / "dkim" / "mail._domainkey.shop.example.com.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    settings = cli("settings", "list", "--json").json()
    assert settings["DkimDomain"] == "shop.example.com"
    assert settings["DkimSelector"] == "mail"
    assert settings["DkimKeyFile"] == str(key)
    # The printed record is the key's: dkimpy checks a signature against it.
    message = b"From: a@shop.example.com\r\nTo: b@example.com\r\nSubject: x\r\n\r\nHello\r\n"
    signature = dkim.sign(message, b"mail", b"shop.example.com", key.read_bytes())
    assert dkim.verify(
        signature + message, dnsfunc=lambda name, timeout=5: shown["record"].encode()
    )


def test_generate_prints_the_record_for_people(cli: Cli) -> None:
    result = cli("dkim", "generate", "--domain", "shop.example.com", "--selector", "s1")
    assert result.code == 0, result.err
    assert "s1._domainkey.shop.example.com" in result.out
    assert "v=DKIM1; k=rsa; p=" in result.out


def test_bad_requests_are_refused_and_change_nothing(
    cli: Cli, unchanged: Callable[[], Any], isolated_home: Path, tmp_path: Path
) -> None:
    assert cli("dkim", "generate", "--domain", "shop.example.com", "--selector", "m").code == 0
    key = (isolated_home / "dkim" / "m._domainkey.shop.example.com.pem").read_bytes()
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("my dkim key")
    with unchanged():
        again = cli("dkim", "generate", "--domain", "shop.example.com", "--selector", "m")
        assert again.code == 1 and "already exists" in again.err
        bad = cli("dkim", "generate", "--domain", "shop example.com", "--selector", "x")
        assert bad.code == 1 and "not a valid DNS name" in bad.err
        wrong = cli("settings", "set", "DkimKeyFile", str(not_a_key))
        assert wrong.code == 1 and "does not hold a PEM private key" in wrong.err
        gone = cli("settings", "set", "DkimKeyFile", str(tmp_path / "missing.pem"))
        assert gone.code == 1 and "does not exist" in gone.err
        selector = cli("settings", "set", "DkimSelector", "a b")
        assert selector.code == 1 and "not a valid DNS name" in selector.err
    assert sorted(p.name for p in (isolated_home / "dkim").iterdir()) == [
        "m._domainkey.shop.example.com.pem"
    ]
    assert (isolated_home / "dkim" / "m._domainkey.shop.example.com.pem").read_bytes() == key
    usage = cli("dkim", "generate", "--domain", "shop.example.com")
    assert usage.code == 2


def test_check_without_dkim_or_dns_says_why(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    off = cli("dkim", "check")
    assert off.code == 1 and "DKIM is not set up" in off.err
    assert cli("dkim", "generate", "--domain", "shop.example.com", "--selector", "m").code == 0
    # A machine whose resolver answers nothing: pointed at a closed loopback port.
    import dns.resolver

    from tests.support.dns_server import LocalDnsServer

    with LocalDnsServer({}) as server:
        resolver = server.resolver()
    resolver.lifetime = 1.0
    monkeypatch.setattr(dns.resolver, "Resolver", lambda: resolver)
    offline = cli("dkim", "check", "--json")
    assert offline.code == 1 and "no DNS server answered" in offline.err
    assert offline.json()["status"] == "offline"
    monkeypatch.undo()
    with LocalDnsServer({"shop.example.com": ["v=spf1 -all"]}) as server:
        resolver = server.resolver()
        monkeypatch.setattr(dns.resolver, "Resolver", lambda: resolver)
        missing = cli("dkim", "check")
    assert missing.code == 1 and "is not published yet" in missing.err
