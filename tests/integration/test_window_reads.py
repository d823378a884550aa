"""The window's bulk reads: plain rows in chunks, never ORM objects.

The window reads its tables' ids and pages in reader threads beside the GUI
thread. ORM objects by the hundred thousand, or one long C call over a whole
result, would hold the interpreter away from the GUI thread; these tests
prove the reads build no ORM object, hand the interpreter back between
chunks, and return ids the garbage collector never walks.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from sqlalchemy import event, insert

from mailapp.models import Contact, Recipient, Response
from mailapp.services import analytics, contacts, folders, reads
from mailapp.services.context import AppContext
from tests.support.data import add_contacts, bulk_contacts, make_mailing

COUNT = 5_000


@pytest.fixture
def orm_loads() -> Iterator[list[object]]:
    """Every Contact or Recipient the ORM builds from a row while the test runs."""
    loaded: list[object] = []

    def record(target: object, _context: object) -> None:
        loaded.append(target)

    for cls in (Contact, Recipient):
        event.listen(cls, "load", record)
    yield loaded
    for cls in (Contact, Recipient):
        event.remove(cls, "load", record)


@pytest.fixture
def hand_backs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often a read let other threads take the interpreter."""
    calls: list[int] = []
    original = reads._yield_interpreter
    monkeypatch.setattr(reads, "_yield_interpreter", lambda: calls.append(1) or original())
    return calls


def test_the_contacts_table_reads_plain_rows_in_chunks(
    ctx: AppContext, orm_loads: list[object], hand_backs: list[int]
) -> None:
    bulk_contacts(ctx, COUNT, folder="Everyone")
    ids = contacts.contact_ids(ctx)
    assert len(ids) == COUNT
    assert len(gc.get_referents(ids)) <= 1  # a compact array: nothing for the collector to walk
    assert len(hand_backs) >= COUNT // reads.CHUNK
    assert len(contacts.contact_ids(ctx, folder="Everyone")) == COUNT

    page = list(ids[1000:1200])
    rows = contacts.contacts_by_ids(ctx, page)
    assert [r.id for r in rows] == page
    assert rows[0].folders == ("Everyone",)
    assert orm_loads == []


def test_the_contacts_page_keeps_order_fields_and_leaves_out_the_deleted(
    ctx: AppContext, orm_loads: list[object]
) -> None:
    a, b, c = add_contacts(ctx, ["a@example.com", "b@example.com", "c@example.com"], "News")
    folders.create_folder(ctx, "Gold")
    folders.add_to_folder(ctx, "Gold", [c])
    contacts.delete_contacts(ctx, [b])
    rows = contacts.contacts_by_ids(ctx, [c, b, a])
    assert [r.id for r in rows] == [c, a]
    assert rows[0].folders == ("Gold", "News")
    assert rows[0].fields == {"city": "Riga"}
    assert rows[1].email == "a@example.com" and rows[1].email_status == "valid"
    assert orm_loads == []


def test_the_analytics_window_reads_plain_rows_in_chunks(
    ctx: AppContext, orm_loads: list[object], hand_backs: list[int]
) -> None:
    add_contacts(ctx, ["anna@example.com"])
    mailing_id = make_mailing(ctx, name="Big one")
    with ctx.db.write() as session:
        session.execute(
            insert(Recipient),
            [
                {
                    "mailing_id": mailing_id,
                    "email": f"r{n}@example.com",
                    "response": (Response.SENT if n % 3 else Response.STOPPED_MANUALLY).value,
                }
                for n in range(COUNT)
            ],
        )
    ids = analytics.recipient_ids(ctx, mailing_id)
    assert len(ids) == COUNT and len(gc.get_referents(ids)) <= 1
    assert len(hand_backs) >= COUNT // reads.CHUNK
    stopped = analytics.recipient_ids(ctx, mailing_id, analytics.GROUPS["stopped"])
    assert len(stopped) == len(range(0, COUNT, 3))
    rows = analytics.recipients_by_ids(ctx, mailing_id, list(stopped[:200]))
    assert [r.id for r in rows] == list(stopped[:200])
    assert {r.response for r in rows} == {Response.STOPPED_MANUALLY}
    assert orm_loads == []
