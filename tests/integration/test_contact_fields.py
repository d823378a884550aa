"""The custom fields the contacts have, for the editor's warning about a
field that no contact has."""

from __future__ import annotations

from sqlalchemy import update

from mailapp.models import Contact
from mailapp.services import mailings
from mailapp.services.context import AppContext
from tests.support.data import add_contacts


def test_a_field_only_empty_is_no_field(ctx: AppContext) -> None:
    """A CSV column left blank is stored as "" in every contact: no contact
    has a value for it, so its {{ contact.… }} is empty in every email."""
    ids = add_contacts(ctx, ["anna@example.com", "boris@example.com"])
    with ctx.db.write() as session:
        session.execute(
            update(Contact)
            .where(Contact.id == ids[0])
            .values(fields={"city": "Riga", "country": "", "zip": None, "note": "  "})
        )
        session.execute(
            update(Contact).where(Contact.id == ids[1]).values(fields={"country": "", "tier": 0})
        )
    assert mailings.contact_field_names(ctx) == frozenset({"city", "tier"})
