"""Lists of contact ids as the contact and folder services take them.

A list is checked before any transaction (anything but an int is refused,
repeats are dropped, the order is kept), confirmed to exist inside the
transaction before anything is written, so a list naming a contact deleted
meanwhile changes nothing, and written in chunks of :data:`mailapp.services.reads.ID_CHUNK`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailapp.models import Contact, Refused
from mailapp.services.reads import id_chunks


def unique_ids(contact_ids: Iterable[int]) -> list[int]:
    result: list[int] = []
    seen: set[int] = set()
    for value in contact_ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refused("contact_id_invalid", f"{value!r} is not a contact id", value=value)
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


def check_contacts_exist(session: Session, ids: Sequence[int]) -> None:
    missing: list[int] = []
    for part in id_chunks(ids):
        found = set(session.scalars(select(Contact.id).where(Contact.id.in_(part))))
        missing.extend(i for i in part if i not in found)
    if missing:
        shown = ", ".join(str(i) for i in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise Refused(
            "contact_unknown",
            f"No contact with the id {shown}{more}; nothing was changed",
            ids=missing,
        )
