"""The UnsubscribeUrl setting takes only what the message builder can send.

A value the builder would refuse for every message ("unsubscribe me") is
refused when it is set, from the command line and from the services alike,
and nothing is stored.
"""

from __future__ import annotations

import pytest

from mailapp.cli import main
from mailapp.delivery.message import build_message, unsubscribe_link
from mailapp.models import Refused, Setting
from mailapp.models.settings import SETTINGS
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext
from tests.cli.clihelp import database_picture

BAD = [
    ("unsubscribe me", "must start with https://, http:// or mailto:"),
    ("javascript:alert(1)", "must start with https://, http:// or mailto:"),
    ("https://shop.example.com/un subscribe", "without spaces"),
    ("https://shop.example.com/отписка", "without spaces"),
    ("https://shop.example.com/<u>", "without spaces"),
    ("https://shop.example.com/u?" + "a" * 880, "longer than 900 characters"),
]
GOOD = [
    "https://shop.example.com/u?e={email}&t={token}",
    "http://shop.example.com/u/{email}",
    "mailto:unsub@shop.example.com?subject=unsubscribe%20{email}",
    "https://shop.example.com/u?" + "a" * 873,
    "",
]


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("value", "says"), BAD)
def test_the_command_line_refuses_a_bad_link_and_changes_nothing(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], value: str, says: str
) -> None:
    good = "https://shop.example.com/u?e={email}"
    assert run(capsys, sqlite_url, "settings", "set", "UnsubscribeUrl", good)[0] == 0
    before = database_picture(sqlite_url)
    code, out, err = run(capsys, sqlite_url, "settings", "set", "UnsubscribeUrl", value)
    assert code == 1
    assert out == ""
    assert "UnsubscribeUrl" in err and says in err
    assert database_picture(sqlite_url) == before
    assert run(capsys, sqlite_url, "settings", "get", "UnsubscribeUrl")[1].strip() == good


@pytest.mark.parametrize("value", GOOD)
def test_the_command_line_takes_a_link_or_nothing(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, out, err = run(capsys, sqlite_url, "settings", "set", "UnsubscribeUrl", value)
    assert (code, err) == (0, "")
    assert out.startswith("UnsubscribeUrl = ")
    assert run(capsys, sqlite_url, "settings", "get", "UnsubscribeUrl")[1].strip() == value


@pytest.mark.parametrize(("value", "says"), BAD)
def test_the_service_refuses_with_a_code(ctx: AppContext, value: str, says: str) -> None:
    with pytest.raises(Refused) as caught:
        settings_service.set_many(ctx, {"SmtpConnections": "9", "UnsubscribeUrl": value})
    refusal = caught.value
    assert refusal.code == "setting_unsubscribe_url"
    assert refusal.params["setting"] == "UnsubscribeUrl"
    assert refusal.params["value"] == value
    assert refusal.params["problem"] in ("scheme", "characters", "too_long")
    assert says in refusal.message
    # all or nothing: the valid change in the same call is not stored either
    assert settings_service.load(ctx).connections == SETTINGS["SmtpConnections"].default
    assert settings_service.load(ctx).unsubscribe_url == ""


@pytest.mark.parametrize("value", GOOD)
def test_every_accepted_link_builds_for_any_address(ctx: AppContext, value: str) -> None:
    """What the setting takes, the builder takes, once the address is filled in."""
    settings_service.set_value(ctx, "UnsubscribeUrl", value)
    template = settings_service.load(ctx).unsubscribe_url
    for email in ("anna@example.org", "anna+sale@bücher.example", "jöhn@example.com"):
        build_message(
            sender_name="Shop",
            sender_email="news@shop.example.com",
            to="anna@example.org",
            subject="Hi",
            html="<p>x</p>",
            text="x\n",
            message_id="<a.b@shop.example.com>",
            unsubscribe_url=unsubscribe_link(template, email),
            mailing_id=1,
        )


def test_a_bad_link_stored_before_the_check_still_reads(ctx: AppContext) -> None:
    """Databases written before the check may hold one: reading must not fail.

    The value reaches the builder, which refuses it with the reason, and the
    user sees it in the settings and can replace it.
    """
    with ctx.db.write() as session:
        session.add(Setting(code="UnsubscribeUrl", value="unsubscribe me"))
    assert settings_service.load(ctx).unsubscribe_url == "unsubscribe me"
    assert settings_service.get(ctx, "UnsubscribeUrl") == "unsubscribe me"
    settings_service.set_value(ctx, "SmtpConnections", "3")  # other changes still work
    with pytest.raises(Refused):
        settings_service.set_value(ctx, "UnsubscribeUrl", "still wrong")
    settings_service.set_value(ctx, "UnsubscribeUrl", "https://shop.example.com/u")
    assert settings_service.load(ctx).unsubscribe_url == "https://shop.example.com/u"
