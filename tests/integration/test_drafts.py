"""A draft may be stored incomplete; only what is sent must be complete.

``mailings.create``/``update`` refuse only what cannot be stored at all (no
name, a line break in a header, a trigger mailing with folders…); the checks
for sending (``mailings.validate``) still run when the mailing is started.
"""

from __future__ import annotations

import pytest

from mailapp.models import MailingKind, MailingState, Refused
from mailapp.services import lifecycle, mailings
from mailapp.services.context import AppContext
from mailapp.services.mailings import MailingInput
from tests.support.data import add_contacts, make_mailing

ONLY_A_NAME = MailingInput(name="Ideas for June", subject="", sender_email="", html="")


def test_a_draft_with_only_a_name_is_stored(ctx: AppContext) -> None:
    mailing_id = mailings.create(ctx, ONLY_A_NAME)
    info = mailings.get(ctx, mailing_id)
    assert info.state is MailingState.DRAFT
    assert (info.name, info.subject, info.sender_email, info.html) == ("Ideas for June", "", "", "")


def test_a_draft_keeps_what_cannot_be_sent_yet(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    half_done = MailingInput(
        name=" Half done ",
        subject="Hi {{ contcat.first_name }}",
        sender_email="not an address",
        html="<p>{% if contact.first_name %}</p>",
        folders=("Customers",),
    )
    mailings.update(ctx, mailing_id, half_done)
    info = mailings.get(ctx, mailing_id)
    assert info.name == "Half done"  # still cleaned
    assert info.subject == half_done.subject and info.html == half_done.html
    assert info.sender_email == "not an address"
    assert info.folders == ("Customers",)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": "  "}, "field_empty"),
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "header_injection"),
        ({"sender_name": "Shop\nBcc: x"}, "header_injection"),
        ({"sender_email": "a@example.com\r\nBcc: x@y.z"}, "header_injection"),
        ({"name": "x" * 301}, "field_too_long"),
        ({"sender_email": "a" * 321}, "field_too_long"),
        ({"kind": MailingKind.TRIGGER, "folders": ("Customers",)}, "trigger_folders"),
        ({"folders": ("No such folder",)}, "folder_unknown"),
    ],
)
def test_what_cannot_be_stored_is_still_refused(
    ctx: AppContext, change: dict[str, object], code: str
) -> None:
    add_contacts(ctx, ["a@example.com"])
    data = MailingInput(**{**ONLY_A_NAME.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(Refused) as caught:
        mailings.create(ctx, data)
    assert caught.value.code == code


def test_start_refuses_an_incomplete_draft_clearly(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = mailings.create(
        ctx, MailingInput(**{**ONLY_A_NAME.__dict__, "folders": ("Customers",)})
    )
    with pytest.raises(Refused) as caught:
        lifecycle.start(ctx, mailing_id)
    assert caught.value.code == "field_empty"
    assert caught.value.message == "Subject is empty"
    assert mailings.get(ctx, mailing_id).state is MailingState.DRAFT


def test_start_refuses_a_draft_with_a_template_error(ctx: AppContext) -> None:
    add_contacts(ctx, ["a@example.com"])
    mailing_id = make_mailing(ctx)
    info = mailings.get(ctx, mailing_id)
    mailings.update(
        ctx,
        mailing_id,
        MailingInput(
            name=info.name,
            subject=info.subject,
            sender_email=info.sender_email,
            html="<p>one</p>\n{% if contact.first_name %}",
            folders=info.folders,
        ),
    )
    with pytest.raises(Refused) as caught:
        lifecycle.start(ctx, mailing_id)
    assert caught.value.code == "template_error"
    assert caught.value.params["part"] == "body"
    assert mailings.get(ctx, mailing_id).state is MailingState.DRAFT


def test_validate_still_refuses_what_cannot_be_sent() -> None:
    with pytest.raises(Refused) as caught:
        mailings.validate(ONLY_A_NAME)
    assert caught.value.code == "field_empty"
    assert caught.value.params["field"] == "Subject"


def test_every_problem_is_listed_with_its_field() -> None:
    data = MailingInput(
        name="",
        subject="Hi {{ contcat.first_name }}",
        sender_email="nobody",
        html="<p>{% if x %}</p>",
        kind=MailingKind.TRIGGER,
        folders=("Customers",),
    )
    found = [(p.field, p.refusal.code, p.blocks_saving) for p in mailings.problems(data)]
    assert found == [
        ("name", "field_empty", True),
        ("sender_email", "email_invalid", False),
        ("subject", "template_error", False),
        ("html", "template_error", False),
        ("folders", "trigger_folders", True),
    ]
    with pytest.raises(Refused) as caught:
        mailings.validate(data)
    assert caught.value.code == "field_empty"  # the first, as before


def test_field_names_of_the_contacts(ctx: AppContext) -> None:
    assert mailings.contact_field_names(ctx) == frozenset()
    add_contacts(ctx, ["a@example.com", "b@example.com"])  # fields: city
    assert mailings.contact_field_names(ctx) == frozenset({"city"})


def test_copies_are_numbered_so_they_can_be_told_apart(ctx: AppContext) -> None:
    add_contacts(ctx, ["anna@example.com"])
    original = make_mailing(ctx, name="Sale 50% off_now")
    names = [mailings.get(ctx, mailings.duplicate(ctx, original)).name for _ in range(3)]
    assert names == [
        "Sale 50% off_now (copy)",
        "Sale 50% off_now (copy 2)",
        "Sale 50% off_now (copy 3)",
    ]
    assert mailings.get(ctx, original).name == "Sale 50% off_now"
