"""Contacts and folders on a real database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from mailapp.models import Contact, Refused
from mailapp.services import contacts, folders
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed


class _Code:
    """``with _Code("x"):`` passes only when Refused with that code is raised."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, tb: object) -> bool:
        assert isinstance(exc, Refused), f"expected Refused({self.code}), got {exc!r}"
        assert exc.code == self.code, exc.message
        return True


def test_add_and_list(ctx: AppContext) -> None:
    seen: list[object] = []
    ctx.hub.subscribe(seen.append)
    cid = contacts.add_contact(ctx, " Anna@Example.COM ", "Anna", "Li", fields={"City": "Kazan"})
    [info] = contacts.list_contacts(ctx)
    assert info.id == cid
    assert info.email == "Anna@example.com"
    assert info.email_status == "valid"
    assert info.fields == {"city": "Kazan"}
    assert info.as_json() == {
        "id": cid,
        "email": "Anna@example.com",
        "first_name": "Anna",
        "last_name": "Li",
        "folders": [],
        "unsubscribed": False,
        "bounced": False,
    }
    assert Changed(contacts=True) in seen


@pytest.mark.parametrize("email", ["", "   ", "not-an-address", "a@b", "a@x.com\r\nBcc: v@x.com"])
def test_add_refuses_bad_address(ctx: AppContext, email: str) -> None:
    with pytest.raises(Refused):
        contacts.add_contact(ctx, email)
    assert contacts.count_contacts(ctx) == 0


def test_add_refuses_line_breaks_in_names(ctx: AppContext) -> None:
    with _Code("header_injection"):
        contacts.add_contact(ctx, "a@example.com", "Anna\r\nBcc: x@y.com")
    with _Code("header_injection"):
        contacts.add_contact(ctx, "a@example.com", last_name="Li\n")
    assert contacts.count_contacts(ctx) == 0


def test_duplicate_refused_unless_folder(ctx: AppContext) -> None:
    cid = contacts.add_contact(ctx, "a@example.com", "Anna")
    with pytest.raises(Refused, match=rf"already exists \(id {cid}\)") as info:
        contacts.add_contact(ctx, "A@EXAMPLE.com", "Other")
    assert info.value.code == "contact_exists"
    assert contacts.add_contact(ctx, "A@example.com", "Other", folder="VIP") == cid
    [row] = contacts.list_contacts(ctx)
    assert row.first_name == "Anna"
    assert row.folders == ("VIP",)


def test_update_contact(ctx: AppContext) -> None:
    a = contacts.add_contact(ctx, "a@example.com", "Anna")
    contacts.add_contact(ctx, "b@example.com")
    info = contacts.update_contact(ctx, a, first_name="Ann", fields={"plan": "gold"})
    assert (info.first_name, info.fields) == ("Ann", {"plan": "gold"})
    with _Code("contact_exists"):
        contacts.update_contact(ctx, a, email="B@example.com")
    with _Code("header_injection"):
        contacts.update_contact(ctx, a, last_name="x\ny")
    with _Code("contact_unknown"):
        contacts.update_contact(ctx, 999, first_name="x")
    assert contacts.update_contact(ctx, a, email="new@example.com").email == "new@example.com"


def test_a_bounced_mark_is_cleared_by_hand_or_by_a_new_address(ctx: AppContext) -> None:
    a = contacts.add_contact(ctx, "gone@example.com")
    b = contacts.add_contact(ctx, "moved@example.com")
    with ctx.db.write() as session:
        session.execute(update(Contact).values(bounced=True))
    assert contacts.update_contact(ctx, a, first_name="Gone").bounced  # other edits keep it
    assert not contacts.update_contact(ctx, a, bounced=False).bounced
    assert contacts.update_contact(ctx, a, bounced=True).bounced
    assert contacts.update_contact(ctx, b, email="Moved@Example.com").bounced  # the same address
    assert not contacts.update_contact(ctx, b, email="moved@example.net").bounced


def test_unsubscribe_and_delete(ctx: AppContext) -> None:
    a = contacts.add_contact(ctx, "a@example.com", folder="News")
    b = contacts.add_contact(ctx, "b@example.com", folder="News")
    assert contacts.set_unsubscribed(ctx, [a, b], True) == 2
    assert contacts.set_unsubscribed(ctx, [a], True) == 0
    with _Code("contact_unknown"):
        contacts.set_unsubscribed(ctx, [a, 12345], False)
    assert all(c.unsubscribed for c in contacts.list_contacts(ctx))
    with _Code("contact_unknown"):
        contacts.delete_contacts(ctx, [a, 12345])
    assert contacts.count_contacts(ctx) == 2
    assert contacts.delete_contacts(ctx, [a]) == 1
    assert list(contacts.contact_ids(ctx)) == [b]
    assert folders.list_folders(ctx)[0].contacts == 1


def test_folders(ctx: AppContext) -> None:
    news = folders.create_folder(ctx, "  News  ")
    with _Code("folder_exists"):
        folders.create_folder(ctx, "news")
    with _Code("field_empty"):
        folders.create_folder(ctx, "   ")
    with _Code("header_injection"):
        folders.create_folder(ctx, "a\nb")
    vip = folders.create_folder(ctx, "VIP")
    with _Code("folder_exists"):
        folders.rename_folder(ctx, vip, "NEWS")
    folders.rename_folder(ctx, vip, "Gold")
    a = contacts.add_contact(ctx, "a@example.com")
    b = contacts.add_contact(ctx, "b@example.com")
    assert folders.add_to_folder(ctx, "News", [a, b, a]) == 2
    assert folders.add_to_folder(ctx, news, [a]) == 0
    with _Code("folder_unknown"):
        folders.add_to_folder(ctx, "Nope", [a])
    with _Code("contact_unknown"):
        folders.add_to_folder(ctx, "Gold", [a, 777])
    assert contacts.count_contacts(ctx, folder="Gold") == 0
    contacts.set_unsubscribed(ctx, [b], True)
    by_name = {f.name: f for f in folders.list_folders(ctx)}
    assert [f.name for f in folders.list_folders(ctx)] == ["Gold", "News"]
    assert by_name["News"] == folders.FolderInfo(news, "News", 2, 2, 0, 0, 1)
    assert by_name["Gold"].contacts == 0
    assert folders.remove_from_folder(ctx, "news", [a]) == 1
    assert list(contacts.contact_ids(ctx, folder="News")) == [b]
    with _Code("folder_unknown"):
        contacts.list_contacts(ctx, folder="Unknown")
    folders.delete_folder(ctx, "News")
    assert [f.name for f in folders.list_folders(ctx)] == ["Gold"]
    assert contacts.count_contacts(ctx) == 2


def test_search_ids_and_rows(ctx: AppContext) -> None:
    ids = [
        contacts.add_contact(ctx, "ivan@example.com", "Иван", "Petrov", folder="RU"),
        contacts.add_contact(ctx, "anna@example.org", "Anna", "Smith"),
        contacts.add_contact(ctx, "olga_k@example.com", "Ольга", "", folder="RU"),
    ]
    assert list(contacts.contact_ids(ctx)) == ids
    assert list(contacts.contact_ids(ctx, search="иван")) == [ids[0]]
    assert list(contacts.contact_ids(ctx, search="EXAMPLE.ORG")) == [ids[1]]
    assert list(contacts.contact_ids(ctx, search="_k")) == [ids[2]]
    assert list(contacts.contact_ids(ctx, search="%")) == []
    assert list(contacts.contact_ids(ctx, folder="ru")) == [ids[0], ids[2]]
    assert contacts.count_contacts(ctx, folder="RU", search="ольга") == 1
    rows = contacts.contacts_by_ids(ctx, [ids[2], 999, ids[0]])
    assert [r.id for r in rows] == [ids[2], ids[0]]
    assert rows[0].folders == ("RU",)
    page = contacts.list_contacts(ctx, offset=1, limit=1)
    assert [r.id for r in page] == [ids[1]]


def test_move_to_folder(ctx: AppContext) -> None:
    a = contacts.add_contact(ctx, "a@example.com", folder="News")
    b = contacts.add_contact(ctx, "b@example.com", folder="News")
    c = contacts.add_contact(ctx, "c@example.com", folder="Other")
    seen: list[object] = []
    ctx.hub.subscribe(seen.append)
    # From a folder: they leave it and join the target (created when missing).
    assert folders.move_to_folder(ctx, [a, b], "Gold", from_folder="news") == 2
    assert list(contacts.contact_ids(ctx, folder="News")) == []
    assert list(contacts.contact_ids(ctx, folder="Gold")) == [a, b]
    assert Changed(contacts=True) in seen
    # From "All contacts": they join the target and keep their other folders.
    assert folders.move_to_folder(ctx, [c, a], "Gold") == 1
    assert contacts.get_contact(ctx, c).folders == ("Gold", "Other")
    # Into the folder they are in: nothing changes.
    assert folders.move_to_folder(ctx, [a], "gold", from_folder="Gold") == 0
    assert list(contacts.contact_ids(ctx, folder="Gold")) == [a, b, c]
    # A refusal changes nothing, not even the target folder.
    with _Code("contact_unknown"):
        folders.move_to_folder(ctx, [a, 999], "Fresh", from_folder="Gold")
    with _Code("folder_unknown"):
        folders.move_to_folder(ctx, [a], "Fresh", from_folder="Gone")
    with _Code("field_empty"):
        folders.move_to_folder(ctx, [a], "  ")
    assert "Fresh" not in {f.name for f in folders.list_folders(ctx)}
    assert list(contacts.contact_ids(ctx, folder="Gold")) == [a, b, c]


def test_delete_keeps_the_recipients_of_mailings(ctx: AppContext) -> None:
    """What the delete confirmation promises: recipients already created keep
    their address and response; the contact leaves its folders."""
    from mailapp.models import Mailing, Recipient
    from mailapp.models.base import utcnow

    a = contacts.add_contact(ctx, "a@example.com", folder="News")
    with ctx.db.write() as session:
        mailing = Mailing(name="M", sender_email="s@example.com", subject="S", html="<p>x</p>")
        session.add(mailing)
        session.flush()
        session.add(
            Recipient(
                mailing_id=mailing.id,
                contact_id=a,
                email="a@example.com",
                response="delivered",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    assert contacts.delete_contacts(ctx, [a]) == 1
    assert folders.list_folders(ctx)[0].contacts == 0
    with ctx.db.read() as session:
        [row] = session.query(Recipient).all()
        assert (row.contact_id, row.email, row.response) == (None, "a@example.com", "delivered")
