"""Contacts: one address is one person to write to.

Every function of the contact services (this module, :mod:`folders`,
:mod:`contact_import`) takes an :class:`AppContext`, returns plain frozen
dataclasses and refuses bad input with :class:`Refused` before anything is
written, so a refused request never leaves half a change behind. After each
committed change the hub hears ``Changed(contacts=True)``: the window
refreshes its lists and the scheduler picks up new folder members for
trigger mailings.

Choices a marketer would expect, written down so the UI and the CLI agree:

* One address is one contact (compared case-insensitively). Adding an
  address that exists is refused with its id — unless a folder is given, in
  which case the existing contact is put into that folder and its id returned
  (the usual "add these people to my list" gesture). The folder is created
  when it does not exist yet.
* The window shows a million contacts through ``contact_ids`` (ids only,
  served from the primary key or the folder-membership index) and
  ``contacts_by_ids`` for the visible rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mailapp.models import Contact, Event, FolderMember, Refused
from mailapp.models.base import utcnow
from mailapp.models.validation import require_email, require_header_text
from mailapp.services import journal, reads
from mailapp.services.context import AppContext
from mailapp.services.csv_import import KNOWN_COLUMNS, NAME_MAX, field_key
from mailapp.services.folders import (
    add_members,
    ensure_folder,
    folder_names,
    known_folder,
    require_folder_name,
)
from mailapp.services.id_lists import check_contacts_exist, unique_ids

__all__ = [
    "ContactInfo",
    "add_contact",
    "contact_ids",
    "contacts_by_ids",
    "count_contacts",
    "delete_contacts",
    "get_contact",
    "list_contacts",
    "set_unsubscribed",
    "update_contact",
]


@dataclass(frozen=True)
class ContactInfo:
    id: int
    email: str | None
    first_name: str
    last_name: str
    folders: tuple[str, ...]
    unsubscribed: bool
    email_status: str
    fields: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: A bounce report said the address cannot receive mail.
    bounced: bool = False
    #: The contact reported a mailing as spam.
    complained: bool = False

    def as_json(self) -> dict[str, Any]:
        """The ``contacts list --json`` object (the command line contract)."""
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "folders": list(self.folders),
            "unsubscribed": self.unsubscribed,
            "bounced": self.bounced,
        }


# ---------------------------------------------------------------------------
# Input checks (before any transaction)


def _name(value: str, what: str) -> str:
    return require_header_text(value, what, required=False, limit=NAME_MAX)


def _clean_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    """Custom fields with template-ready keys; values must be plain scalars."""
    result: dict[str, Any] = {}
    for raw_key, value in (fields or {}).items():
        key = field_key(str(raw_key))
        if not key:
            raise Refused("field_name_empty", "A custom field needs a name")
        if key in KNOWN_COLUMNS:
            raise Refused(
                "field_name_reserved",
                f"{raw_key!r} is not a custom field; use the contact's own {key}",
                field=key,
                name=str(raw_key),
            )
        if key in result:
            raise Refused(
                "field_name_duplicate", f"Two custom fields are both named {key!r}", field=key
            )
        if value is not None and not isinstance(value, str | int | float | bool):
            raise Refused(
                "field_value_invalid",
                f"The custom field {key!r} takes text or a number",
                field=key,
            )
        result[key] = value
    return result


# ---------------------------------------------------------------------------
# Rows as values


#: The columns of a :class:`ContactInfo`, read as a plain row.
_INFO_COLUMNS = (
    Contact.id,
    Contact.email,
    Contact.first_name,
    Contact.last_name,
    Contact.unsubscribed,
    Contact.email_status,
    Contact.fields,
    Contact.bounced,
    Contact.complained,
)
#: The same as plain SQL (:func:`reads.plain_by_ids`); the folders' names are
#: read by :func:`folders.folder_names`.
_INFOS_SQL = (
    f"SELECT {', '.join(column.name for column in _INFO_COLUMNS)}"
    f" FROM {Contact.__tablename__} WHERE id IN ({{ids}})"
)


def _info_from_row(row: Sequence[Any], folders: Sequence[str]) -> ContactInfo:
    """A plain row of :data:`_INFO_COLUMNS` as the driver gives it."""
    contact_id, email, first_name, last_name, unsubscribed, email_status, fields = row[:7]
    bounced, complained = row[7:]
    if isinstance(fields, str):  # SQLite's JSON is text; PostgreSQL's driver parses it
        # Most contacts have no fields of their own: no parser for a page of them.
        fields = {} if fields == "{}" else json.loads(fields)
    return ContactInfo(
        id=contact_id,
        email=email,
        first_name=first_name,
        last_name=last_name,
        folders=tuple(folders),
        unsubscribed=bool(unsubscribed),
        email_status=email_status,
        fields=dict(fields or {}),
        bounced=bool(bounced),
        complained=bool(complained),
    )


def _info(row: Contact, folders: Sequence[str]) -> ContactInfo:
    return ContactInfo(
        id=row.id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        folders=tuple(folders),
        unsubscribed=bool(row.unsubscribed),
        email_status=row.email_status,
        fields=dict(row.fields or {}),
        bounced=bool(row.bounced),
        complained=bool(row.complained),
    )


def _infos(session: Session, rows: Sequence[Contact]) -> list[ContactInfo]:
    names = folder_names(session, [r.id for r in rows])
    return [_info(r, names.get(r.id, ())) for r in rows]


# ---------------------------------------------------------------------------
# Contacts


def add_contact(
    ctx: AppContext,
    email: str,
    first_name: str = "",
    last_name: str = "",
    folder: str | None = None,
    fields: dict[str, Any] | None = None,
) -> int:
    """Add one contact and return its id.

    An address that already exists is refused with its id, because silently
    overwriting somebody's names from a typo is worse than asking. With a
    ``folder`` the existing contact is added to that folder instead and its
    id returned; its names and fields stay as they were.
    """
    address = require_email(email)
    first = _name(first_name, "First name")
    last = _name(last_name, "Last name")
    custom = _clean_fields(fields)
    folder_name = require_folder_name(folder) if folder is not None else None
    key = address.lower()
    with ctx.db.write() as session:
        existing = session.scalar(select(Contact.id).where(Contact.email_key == key))
        if existing is not None and folder_name is None:
            raise Refused(
                "contact_exists",
                f"A contact with the address {address} already exists (id {existing})",
                id=existing,
                email=address,
            )
        if existing is None:
            now = utcnow()
            contact = Contact(
                email=address,
                email_key=key,
                email_status="valid",
                first_name=first,
                last_name=last,
                fields=custom,
                unsubscribed=False,
                created_at=now,
                updated_at=now,
            )
            session.add(contact)
            session.flush()
            contact_id = contact.id
        else:
            contact_id = existing
        if folder_name is not None:
            add_members(session, ensure_folder(session, folder_name), [contact_id])
    ctx.hub.contacts_changed()
    return contact_id


def get_contact(ctx: AppContext, contact_id: int) -> ContactInfo:
    with ctx.db.read() as session:
        row = session.get(Contact, contact_id)
        if row is None:
            raise Refused(
                "contact_unknown", f"No contact with the id {contact_id}", ids=[contact_id]
            )
        return _infos(session, [row])[0]


def update_contact(
    ctx: AppContext,
    contact_id: int,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    fields: dict[str, Any] | None = None,
    unsubscribed: bool | None = None,
    bounced: bool | None = None,
) -> ContactInfo:
    """Change what is given (``None`` leaves a value alone); ``fields``
    replaces the whole set of custom fields, as the contact editor saves it.

    A new address has not bounced: changing it clears ``bounced`` (unless
    ``bounced`` says otherwise), as the person fixing a dead address expects.
    Clearing ``bounced`` by hand lets later audiences include the address again.
    """
    address = require_email(email) if email is not None else None
    first = _name(first_name, "First name") if first_name is not None else None
    last = _name(last_name, "Last name") if last_name is not None else None
    custom = _clean_fields(fields) if fields is not None else None
    with ctx.db.write() as session:
        row = session.get(Contact, contact_id)
        if row is None:
            raise Refused(
                "contact_unknown", f"No contact with the id {contact_id}", ids=[contact_id]
            )
        if address is not None:
            key = address.lower()
            other = session.scalar(
                select(Contact.id).where(Contact.email_key == key, Contact.id != contact_id)
            )
            if other is not None:
                raise Refused(
                    "contact_exists",
                    f"A contact with the address {address} already exists (id {other})",
                    id=other,
                    email=address,
                )
            if key != row.email_key:
                row.bounced = False
            row.email, row.email_key, row.email_status = address, key, "valid"
        if first is not None:
            row.first_name = first
        if last is not None:
            row.last_name = last
        if custom is not None:
            row.fields = custom
        if unsubscribed is not None:
            row.unsubscribed = unsubscribed
        if bounced is not None:
            row.bounced = bounced
        row.updated_at = utcnow()
        session.flush()
        info = _infos(session, [row])[0]
    ctx.hub.contacts_changed()
    return info


def set_unsubscribed(ctx: AppContext, contact_ids: Iterable[int], flag: bool) -> int:
    """Mark contacts (un)subscribed; returns how many actually changed."""
    ids = unique_ids(contact_ids)
    changed = 0
    with ctx.db.write() as session:
        check_contacts_exist(session, ids)
        now = utcnow()
        for part in reads.id_chunks(ids):
            result = session.execute(
                update(Contact)
                .where(Contact.id.in_(part), Contact.unsubscribed != flag)
                .values(unsubscribed=flag, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            changed += int(getattr(result, "rowcount", 0) or 0)
    ctx.hub.contacts_changed()
    return changed


def delete_contacts(ctx: AppContext, contact_ids: Iterable[int]) -> int:
    """Delete contacts with their folder memberships. Recipients of past
    mailings keep their address and response (the link becomes empty), so
    the sending analytics stay true."""
    ids = unique_ids(contact_ids)
    with ctx.db.write() as session:
        check_contacts_exist(session, ids)
        for part in reads.id_chunks(ids):
            session.execute(
                delete(FolderMember)
                .where(FolderMember.contact_id.in_(part))
                .execution_options(synchronize_session=False)
            )
            session.execute(
                delete(Contact)
                .where(Contact.id.in_(part))
                .execution_options(synchronize_session=False)
            )
        journal.record_by_person(session, None, Event.CONTACTS_DELETED, count=len(ids))
    ctx.hub.contacts_changed()
    return len(ids)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(session: Session, query: Select[Any], folder: str | None, search: str | None) -> Any:
    if folder is not None:
        folder_id = known_folder(session, folder).id
        query = query.join(FolderMember, FolderMember.contact_id == Contact.id).where(
            FolderMember.folder_id == folder_id
        )
    if search is not None and search.strip():
        pattern = _like(search.strip().lower())
        if session.get_bind().dialect.name == "sqlite":
            # SQLite's lower() folds ASCII only; fold Cyrillic names in Python.
            raw: Any = session.connection().connection.driver_connection
            raw.create_function("mailapp_lower", 1, _lower, deterministic=True)

            def folded(column: Any) -> Any:
                return func.mailapp_lower(column).like(pattern, escape="\\")
        else:

            def folded(column: Any) -> Any:
                return column.ilike(pattern, escape="\\")

        query = query.where(
            or_(
                Contact.email_key.like(pattern, escape="\\"),
                folded(Contact.first_name),
                folded(Contact.last_name),
            )
        )
    return query


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def list_contacts(
    ctx: AppContext,
    folder: str | None = None,
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[ContactInfo]:
    """Contacts oldest first, optionally of one folder and matching a search
    in the address or the names (case-insensitive)."""
    with ctx.db.read() as session:
        query = _filtered(session, select(Contact), folder, search).order_by(Contact.id)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        rows = list(session.scalars(query))
        return _infos(session, rows)


def count_contacts(ctx: AppContext, folder: str | None = None, search: str | None = None) -> int:
    with ctx.db.read() as session:
        query = _filtered(session, select(func.count(Contact.id)), folder, search)
        return int(session.scalar(query) or 0)


def contact_ids(
    ctx: AppContext, folder: str | None = None, search: str | None = None
) -> Sequence[int]:
    """Ids in display order (a compact array, see :mod:`reads`): the window's
    model holds these and asks :func:`contacts_by_ids` for the rows it shows."""
    with ctx.db.read() as session:
        if folder is not None and not (search and search.strip()):
            # Served by the (folder_id, contact_id) index alone.
            folder_id = known_folder(session, folder).id
            query: Any = (
                select(FolderMember.contact_id)
                .where(FolderMember.folder_id == folder_id)
                .order_by(FolderMember.contact_id)
            )
        else:
            query = _filtered(session, select(Contact.id), folder, search).order_by(Contact.id)
        return reads.ids(session, query)


def contacts_by_ids(ctx: AppContext, ids: Sequence[int]) -> list[ContactInfo]:
    """The rows for these ids, in the order given; ids deleted meanwhile are
    left out. Plain rows, no ORM objects: the window's table reads a page of
    these in a reader thread while the user scrolls (see :mod:`reads`)."""
    wanted = unique_ids(ids)
    with ctx.db.read() as session:
        found = {row[0]: row for row in reads.plain_by_ids(session, _INFOS_SQL, wanted)}
        present = [i for i in wanted if i in found]
        names = folder_names(session, present)
    return [_info_from_row(found[i], names.get(i, ())) for i in present]
