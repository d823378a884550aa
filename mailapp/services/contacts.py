"""Contacts, folders and the CSV import.

Every function takes an :class:`AppContext`, returns plain frozen dataclasses
and refuses bad input with :class:`Refused` before anything is written, so a
refused request never leaves half a change behind. After each committed
change the hub hears ``Changed(contacts=True)``: the window refreshes its
lists and the scheduler picks up new folder members for trigger mailings.

Choices a marketer would expect, written down so the UI and the CLI agree:

* One address is one contact (compared case-insensitively). Adding an
  address that exists is refused with its id — unless a folder is given, in
  which case the existing contact is put into that folder and its id returned
  (the usual "add these people to my list" gesture).
* ``add_contact`` and ``import_csv`` create the destination folder when it
  does not exist yet; the functions that *read* or *change* a folder refuse a
  name they do not know. Folder names are compared case-insensitively.
* An import never re-subscribes anybody: ``unsubscribed`` is left alone.
  By default it updates the contacts it finds (their non-empty names and
  custom fields from the file); with ``update_existing=False`` ("Skip
  existing contacts", ``contacts import --skip-existing``) a contact already
  stored is not touched at all — not its names, not its fields, not its
  folders — because a file from elsewhere must not silently overwrite what
  the marketer corrected by hand. :func:`check_import` tells beforehand how
  many contacts that choice concerns.
* Rows with an invalid address are refused (see :mod:`csv_import`): they
  are counted as ``invalid`` and never become contacts.
* ``move_to_folder`` is the window's "Move to folder": out of the folder on
  show (if any) and into another one, in one transaction.
* The window shows a million contacts through ``contact_ids`` (ids only,
  served from the primary key or the folder-membership index) and
  ``contacts_by_ids`` for the visible rows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mailapp.models import Contact, Event, Folder, FolderMember, Mailing, MailingFolder, Refused
from mailapp.models.base import UTCDateTime, utcnow
from mailapp.models.states import FINAL_STATES
from mailapp.models.validation import require_email, require_header_text
from mailapp.services import journal, reads
from mailapp.services.context import AppContext
from mailapp.services.csv_import import (
    KNOWN_COLUMNS,
    NAME_MAX,
    CleanRow,
    CsvPreview,
    RowProblem,
    cancelled,
    field_key,
    preview_csv,
)
from mailapp.services.csv_reader import open_source
from mailapp.services.hub import Changed

__all__ = [
    "ContactInfo",
    "CsvPreview",
    "FolderInfo",
    "ImportCheck",
    "ImportReport",
    "add_contact",
    "add_to_folder",
    "check_import",
    "contact_ids",
    "contacts_by_ids",
    "count_contacts",
    "create_folder",
    "delete_contacts",
    "delete_folder",
    "get_contact",
    "import_csv",
    "list_contacts",
    "list_folders",
    "move_to_folder",
    "preview_csv",
    "remove_from_folder",
    "rename_folder",
    "set_unsubscribed",
    "update_contact",
]

#: Ids per ``IN (...)`` list: well under SQLite's and PostgreSQL's limits.
_ID_CHUNK = 500
FOLDER_NAME_MAX = 200


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


@dataclass(frozen=True)
class FolderInfo:
    """A folder with counts of its members; ``valid``/``invalid``/``no_email``
    are by address status, ``unsubscribed`` counts across all of them."""

    id: int
    name: str
    contacts: int
    valid: int
    invalid: int
    no_email: int
    unsubscribed: int


@dataclass(frozen=True)
class ImportReport:
    """``imported`` new contacts, ``updated`` existing ones, ``invalid`` rows
    (bad or missing address, not imported), ``duplicates`` repeated rows;
    ``errors`` says which lines and why (at most a thousand lines, then a
    count). ``skipped`` counts the existing contacts left alone when the
    import was told not to update them, and ``problems`` are the ``errors``
    as codes for the window to word; neither is in the command line's JSON,
    whose shape scripts rely on."""

    imported: int
    updated: int
    invalid: int
    duplicates: int
    errors: list[str] = field(default_factory=list, hash=False, compare=False)
    skipped: int = 0
    problems: tuple[RowProblem, ...] = field(default=(), compare=False)
    more_problems: int = 0

    def as_json(self) -> dict[str, Any]:
        """The ``contacts import --json`` object (the command line contract)."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "errors": list(self.errors),
        }


@dataclass(frozen=True)
class ImportCheck:
    """What importing a file would do, found without storing anything.

    ``rows`` are the file's non-blank rows, ``invalid`` the refused ones,
    ``duplicates`` the repeated addresses and ``existing`` the addresses
    already stored (what "Update existing contacts" updates and "Skip
    existing contacts" leaves alone). Another import between the check and
    the real one can change the numbers; the :class:`ImportReport` has the
    final ones.
    """

    rows: int
    invalid: int
    duplicates: int
    existing: int
    problems: tuple[RowProblem, ...] = field(default=(), compare=False)
    more_problems: int = 0

    @property
    def valid(self) -> int:
        """Rows that would be stored: new contacts plus existing ones."""
        return max(self.rows - self.invalid - self.duplicates, 0)

    @property
    def new(self) -> int:
        return max(self.valid - self.existing, 0)


# ---------------------------------------------------------------------------
# Input checks (before any transaction)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]


def _unique_ids(contact_ids: Iterable[int]) -> list[int]:
    result: list[int] = []
    seen: set[int] = set()
    for value in contact_ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refused("contact_id_invalid", f"{value!r} is not a contact id", value=value)
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


def _name(value: str, what: str) -> str:
    return require_header_text(value, what, required=False, limit=NAME_MAX)


def _folder_name(name: str) -> str:
    return require_header_text(name, "Folder name", limit=FOLDER_NAME_MAX)


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
# Helpers inside a transaction


def _find_folder(session: Session, name: str) -> Folder | None:
    """Folders are few, so a case-insensitive look-up is cheap and spares
    marketers "News" and "news" as two different lists."""
    exact = session.scalar(select(Folder).where(Folder.name == name))
    if exact is not None:
        return exact
    lowered = name.casefold()
    for folder in session.scalars(select(Folder)):
        if folder.name.casefold() == lowered:
            return folder
    return None


def _folder(session: Session, folder: int | str) -> Folder:
    found = (
        session.get(Folder, folder)
        if isinstance(folder, int)
        else _find_folder(session, folder.strip())
    )
    if found is None:
        raise Refused("folder_unknown", f"There is no folder {folder!r}", folder=str(folder))
    return found


def _ensure_folder(session: Session, name: str) -> int:
    found = _find_folder(session, name)
    if found is not None:
        return found.id
    folder = Folder(name=name, created_at=utcnow())
    session.add(folder)
    session.flush()
    return folder.id


def _check_contacts_exist(session: Session, ids: Sequence[int]) -> None:
    missing: list[int] = []
    for part in _chunks(ids):
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


def _add_members(session: Session, folder_id: int, ids: Sequence[int]) -> int:
    """Put contacts into a folder (members already there stay as they were,
    so their growing membership id keeps telling when they joined)."""
    added = 0
    now = utcnow()
    for part in _chunks(ids):
        present = set(
            session.scalars(
                select(FolderMember.contact_id).where(
                    FolderMember.folder_id == folder_id, FolderMember.contact_id.in_(part)
                )
            )
        )
        rows = [
            {"folder_id": folder_id, "contact_id": cid, "added_at": now}
            for cid in part
            if cid not in present
        ]
        if rows:
            session.execute(insert(FolderMember), rows)
            added += len(rows)
    return added


def _folder_names(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for contact_id, name in reads.plain_by_ids(session, _FOLDER_NAMES_SQL, ids):
        names.setdefault(contact_id, []).append(name)
    return names


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
#: The same, and the names of their folders, as plain SQL (:func:`reads.plain_by_ids`).
_INFOS_SQL = (
    f"SELECT {', '.join(column.name for column in _INFO_COLUMNS)}"
    f" FROM {Contact.__tablename__} WHERE id IN ({{ids}})"
)
_FOLDER_NAMES_SQL = (
    f"SELECT m.contact_id, f.name FROM {FolderMember.__tablename__} m"
    f" JOIN {Folder.__tablename__} f ON f.id = m.folder_id"
    " WHERE m.contact_id IN ({ids}) ORDER BY m.contact_id, f.name"
)


def _info_from_row(row: Sequence[Any], folders: Sequence[str]) -> ContactInfo:
    """A plain row of :data:`_INFO_COLUMNS` as the driver gives it."""
    contact_id, email, first_name, last_name, unsubscribed, email_status, fields = row[:7]
    bounced, complained = row[7:]
    if isinstance(fields, str):  # SQLite's JSON is text; PostgreSQL's driver parses it
        fields = json.loads(fields)
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
    names = _folder_names(session, [r.id for r in rows])
    return [_info(r, names.get(r.id, ())) for r in rows]


def _published(ctx: AppContext) -> None:
    ctx.hub.publish(Changed(contacts=True))


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
    folder_name = _folder_name(folder) if folder is not None else None
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
            _add_members(session, _ensure_folder(session, folder_name), [contact_id])
    _published(ctx)
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
    _published(ctx)
    return info


def set_unsubscribed(ctx: AppContext, contact_ids: Iterable[int], flag: bool) -> int:
    """Mark contacts (un)subscribed; returns how many actually changed."""
    ids = _unique_ids(contact_ids)
    changed = 0
    with ctx.db.write() as session:
        _check_contacts_exist(session, ids)
        now = utcnow()
        for part in _chunks(ids):
            result = session.execute(
                update(Contact)
                .where(Contact.id.in_(part), Contact.unsubscribed != flag)
                .values(unsubscribed=flag, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            changed += int(getattr(result, "rowcount", 0) or 0)
    _published(ctx)
    return changed


def delete_contacts(ctx: AppContext, contact_ids: Iterable[int]) -> int:
    """Delete contacts with their folder memberships. Recipients of past
    mailings keep their address and response (the link becomes empty), so
    the sending analytics stay true."""
    ids = _unique_ids(contact_ids)
    with ctx.db.write() as session:
        _check_contacts_exist(session, ids)
        for part in _chunks(ids):
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
    _published(ctx)
    return len(ids)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(session: Session, query: Select[Any], folder: str | None, search: str | None) -> Any:
    if folder is not None:
        folder_id = _folder(session, folder).id
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
            folder_id = _folder(session, folder).id
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
    wanted = _unique_ids(ids)
    with ctx.db.read() as session:
        found = {row[0]: row for row in reads.plain_by_ids(session, _INFOS_SQL, wanted)}
        present = [i for i in wanted if i in found]
        names = _folder_names(session, present)
    return [_info_from_row(found[i], names.get(i, ())) for i in present]


# ---------------------------------------------------------------------------
# Folders


def create_folder(ctx: AppContext, name: str) -> int:
    clean = _folder_name(name)
    with ctx.db.write() as session:
        existing = _find_folder(session, clean)
        if existing is not None:
            raise Refused(
                "folder_exists",
                f"A folder named {existing.name!r} already exists",
                folder=existing.name,
            )
        folder = Folder(name=clean, created_at=utcnow())
        session.add(folder)
        session.flush()
        folder_id = folder.id
    _published(ctx)
    return folder_id


def rename_folder(ctx: AppContext, folder: int | str, new_name: str) -> None:
    clean = _folder_name(new_name)
    with ctx.db.write() as session:
        row = _folder(session, folder)
        other = _find_folder(session, clean)
        if other is not None and other.id != row.id:
            raise Refused(
                "folder_exists", f"A folder named {other.name!r} already exists", folder=other.name
            )
        row.name = clean
    _published(ctx)


def delete_folder(ctx: AppContext, folder: int | str) -> None:
    """Delete a folder; its contacts stay. Refused while a mailing that has
    not finished sends to it, because that mailing's audience would change
    under it."""
    with ctx.db.write() as session:
        row = _folder(session, folder)
        busy = session.execute(
            select(Mailing.id, Mailing.name)
            .join(MailingFolder, MailingFolder.mailing_id == Mailing.id)
            .where(
                MailingFolder.folder_id == row.id,
                Mailing.state.not_in([s.value for s in FINAL_STATES]),
            )
            .limit(1)
        ).first()
        if busy is not None:
            raise Refused(
                "folder_in_use",
                f"The folder {row.name!r} is used by the mailing {busy.name!r} "
                f"(id {busy.id}); remove it from the mailing first",
                folder=row.name,
                mailing_id=busy.id,
                mailing=busy.name,
            )
        session.execute(delete(FolderMember).where(FolderMember.folder_id == row.id))
        session.execute(delete(MailingFolder).where(MailingFolder.folder_id == row.id))
        session.delete(row)
    _published(ctx)


def list_folders(ctx: AppContext) -> list[FolderInfo]:
    """Folders by name with their member counts."""

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        select(
            Folder.id,
            Folder.name,
            func.count(Contact.id),
            count_if(Contact.email_status == "valid"),
            count_if(Contact.email_status == "invalid"),
            count_if(Contact.email_status == "none"),
            count_if(Contact.unsubscribed.is_(True)),
        )
        .select_from(Folder)
        .outerjoin(FolderMember, FolderMember.folder_id == Folder.id)
        .outerjoin(Contact, Contact.id == FolderMember.contact_id)
        .group_by(Folder.id, Folder.name)
        .order_by(func.lower(Folder.name), Folder.id)
    )
    with ctx.db.read() as session:
        return [
            FolderInfo(
                id=r[0],
                name=r[1],
                contacts=int(r[2]),
                valid=int(r[3]),
                invalid=int(r[4]),
                no_email=int(r[5]),
                unsubscribed=int(r[6]),
            )
            for r in session.execute(query)
        ]


def add_to_folder(ctx: AppContext, folder: int | str, contact_ids: Iterable[int]) -> int:
    """Put contacts into an existing folder; returns how many were new there."""
    ids = _unique_ids(contact_ids)
    with ctx.db.write() as session:
        row = _folder(session, folder)
        _check_contacts_exist(session, ids)
        added = _add_members(session, row.id, ids)
    _published(ctx)
    return added


def move_to_folder(
    ctx: AppContext,
    contact_ids: Iterable[int],
    folder: str,
    *,
    from_folder: int | str | None = None,
) -> int:
    """Put contacts into ``folder`` (created when missing, as the window lets
    the marketer type a new name) and take them out of ``from_folder``.

    Without ``from_folder`` (moving from "All contacts") they keep their
    other folders: a contact may be in several lists, and taking it out of
    all of them is what delete is for. Both halves happen in one
    transaction, so a refusal — an unknown contact or source folder —
    leaves every membership, and the folder list, as it was. Returns how
    many contacts are new in ``folder``; moving into the folder they are in
    changes nothing.
    """
    ids = _unique_ids(contact_ids)
    target_name = _folder_name(folder)
    with ctx.db.write() as session:
        source = _folder(session, from_folder) if from_folder is not None else None
        _check_contacts_exist(session, ids)
        target = _find_folder(session, target_name)
        if source is not None and target is not None and source.id == target.id:
            return 0
        target_id = target.id if target is not None else _ensure_folder(session, target_name)
        added = _add_members(session, target_id, ids)
        if source is not None:
            for part in _chunks(ids):
                session.execute(
                    delete(FolderMember)
                    .where(FolderMember.folder_id == source.id, FolderMember.contact_id.in_(part))
                    .execution_options(synchronize_session=False)
                )
    _published(ctx)
    return added


def remove_from_folder(ctx: AppContext, folder: int | str, contact_ids: Iterable[int]) -> int:
    """Take contacts out of a folder (they stay in the database)."""
    ids = _unique_ids(contact_ids)
    removed = 0
    with ctx.db.write() as session:
        row = _folder(session, folder)
        for part in _chunks(ids):
            result = session.execute(
                delete(FolderMember)
                .where(FolderMember.folder_id == row.id, FolderMember.contact_id.in_(part))
                .execution_options(synchronize_session=False)
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
    _published(ctx)
    return removed


# ---------------------------------------------------------------------------
# CSV import


class _Writer:
    """Writes clean rows inside the import transaction by the driver's own
    executemany (no per-row ORM or type processing: a million rows must take
    seconds, not minutes). SQL differs only in placeholders, JSON casts and
    how existing addresses are looked up."""

    def __init__(
        self, session: Session, folder_id: int | None, *, update_existing: bool = True
    ) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.pg = self.dialect == "postgresql"
        self.folder_id = folder_id
        self.update_existing = update_existing
        process = UTCDateTime().bind_processor(self.connection.dialect)
        now = utcnow()
        self.now: Any = process(now) if process is not None else now
        self.max_before = int(session.scalar(select(func.max(Contact.id))) or 0)
        #: The highest contact id whose folder membership is written.
        self.member_floor = self.max_before
        self.imported = 0
        self.updated = 0
        self.skipped = 0
        m = "%s" if self.pg else "?"
        as_json = f"CAST({m} AS json)" if self.pg else m
        # The same time for every row: SQLite gets it once, in the statement,
        # as the text it stores, rather than a datetime to convert per row.
        stamp = f"'{self.now:%Y-%m-%d %H:%M:%S.%f}'"
        self.insert_sql = (
            "INSERT INTO contacts (email, email_key, email_status, first_name, last_name,"
            f" fields, unsubscribed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0,"
            f" {stamp}, {stamp})"
        )
        self.new_members_sql = (
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            f" SELECT ?, id, {stamp} FROM contacts WHERE id > ? ORDER BY id"
            " ON CONFLICT (folder_id, contact_id) DO NOTHING"
        )
        self.update_sql = (
            f"UPDATE contacts SET first_name = {m}, last_name = {m}, fields = {as_json},"
            f" updated_at = {m} WHERE id = {m}"
        )
        self.member_sql = (
            "INSERT INTO folder_members (folder_id, contact_id, added_at)"
            f" VALUES ({m}, {m}, {m}) ON CONFLICT (folder_id, contact_id) DO NOTHING"
        )
        keys = _keys_clause(self.pg)
        self.lookup_sql = (
            "SELECT id, email_key, first_name, last_name, fields FROM contacts"
            f" WHERE email_key {keys}"
        )
        self.ids_sql = f"SELECT id FROM contacts WHERE email_key {keys} ORDER BY id"

    def _keys_param(self, keys: list[str]) -> Any:
        return _keys_param(self.pg, keys)

    def write(self, rows: list[CleanRow]) -> None:
        run = self.connection.exec_driver_sql
        existing: dict[str, tuple[int, str, str, Any]] = {}
        if self.max_before:
            for cid, key, first, last, fields in run(
                self.lookup_sql, (self._keys_param([r[1] for r in rows]),)
            ):
                existing[key] = (cid, first, last, fields)
        now = self.now
        fresh = [r for r in rows if r[1] not in existing] if existing else rows
        if fresh:
            if self.pg:
                self._copy(
                    "COPY contacts (email, email_key, email_status, first_name, last_name,"
                    " fields, unsubscribed, created_at, updated_at) FROM STDIN",
                    [(r[2], r[1], r[3], r[4], r[5], r[6], False, now, now) for r in fresh],
                )
            else:
                run(self.insert_sql, [(r[2], r[1], r[3], r[4], r[5], r[6]) for r in fresh])
                self._new_members()
            self.imported += len(fresh)
        members: list[int] = []
        if existing and not self.update_existing:
            # "Skip existing contacts": not their names, fields or folders.
            self.skipped += len(existing)
        elif existing:
            changes = []
            for r in rows:
                found = existing.get(r[1])
                if found is None:
                    continue
                cid, first, last, stored = found
                fields = json.loads(stored) if isinstance(stored, str) else dict(stored or {})
                if r[7] != "{}":
                    fields.update(json.loads(r[7]))
                changes.append(
                    (
                        r[4] or first,
                        r[5] or last,
                        json.dumps(fields, ensure_ascii=False),
                        now,
                        cid,
                    )
                )
                members.append(cid)
            run(self.update_sql, changes)
            self.updated += len(changes)
        if self.folder_id is None:
            return
        if members:
            run(self.member_sql, [(self.folder_id, cid, now) for cid in members])
        if self.pg and fresh:
            # Concurrent writers may take ids in between, so ask for them;
            # the contacts are new, so their memberships are too.
            ids = run(self.ids_sql, (self._keys_param([r[1] for r in fresh]),)).scalars()
            self._copy(
                "COPY folder_members (folder_id, contact_id, added_at) FROM STDIN",
                [(self.folder_id, cid, now) for cid in ids],
            )

    def _copy(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL's COPY: an executemany of a million rows takes minutes
        there, COPY seconds. A unique violation (another import adding the
        same address meanwhile) surfaces as the same IntegrityError."""
        from psycopg.errors import UniqueViolation  # only here: PostgreSQL's driver

        raw = self.connection.connection.driver_connection
        assert raw is not None
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except UniqueViolation as exc:
            raise IntegrityError(statement, None, exc) from exc

    def _new_members(self) -> None:
        """The folder membership of the contacts this chunk added, while
        their pages are fresh in the cache. On SQLite the import holds the
        only write lock, so every contact above the highest id seen so far
        is new from this chunk: one range insert, in id (file) order."""
        if self.folder_id is None:
            return
        run = self.connection.exec_driver_sql
        floor = self.member_floor
        self.member_floor = int(run("SELECT max(id) FROM contacts").scalar() or 0)
        run(self.new_members_sql, (self.folder_id, floor))


def _keys_clause(pg: bool) -> str:
    """``email_key`` among a list given as one parameter (see :func:`_keys_param`):
    one statement per chunk of ten thousand addresses instead of twenty."""
    return "= ANY(%s)" if pg else "IN (SELECT value FROM json_each(?))"


def _keys_param(pg: bool, keys: list[str]) -> Any:
    return keys if pg else json.dumps(keys)


def check_import(
    ctx: AppContext,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    cancel: threading.Event | None = None,
) -> ImportCheck:
    """Read the whole file as :func:`import_csv` would, store nothing, and
    count the addresses already stored, so the wizard can say how many
    existing contacts the import will update (or skip) before anything is
    written. Each chunk is looked up in its own short read, so a long check
    never holds a transaction open. Raises the same whole-file refusals as
    the import, and ``import_cancelled`` when ``cancel`` is set.
    """
    source = open_source(path, mapping=mapping, encoding=encoding)
    existing = 0
    for chunk in source.chunks(None, cancel):
        _check_cancel(cancel)
        keys = [row[1] for row in chunk]
        with ctx.db.read() as session:
            connection = session.connection()
            pg = connection.dialect.name == "postgresql"
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM contacts WHERE email_key {_keys_clause(pg)}",
                (_keys_param(pg, keys),),
            ).scalar()
        existing += int(found or 0)
    _check_cancel(cancel)
    stats = source.stats
    return ImportCheck(
        rows=stats.rows,
        invalid=stats.invalid,
        duplicates=stats.duplicates,
        existing=existing,
        problems=tuple(stats.problems),
        more_problems=stats.more_problems,
    )


def import_csv(
    ctx: AppContext,
    path: str | Path,
    folder: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    update_existing: bool = True,
) -> ImportReport:
    """Import contacts from a CSV file (the rules are in :mod:`csv_import`).

    All in one transaction, streamed in chunks of ten thousand rows: new
    addresses are inserted; addresses already known get the file's non-empty
    names and custom fields (an empty cell never erases; ``unsubscribed`` is
    never touched); all of them go into ``folder`` (created when missing).
    With ``update_existing=False`` addresses already known are skipped
    instead: those contacts keep their names, fields and folders exactly
    (counted in ``skipped``). Rows with an invalid or missing address are
    not imported (counted in ``invalid``). A whole-file error, a
    cancellation or any failure rolls everything back, so the database is
    exactly as before.

    ``progress(done, total)`` is called about every ten thousand rows with the
    lines read and the lines in the file; ``mapping`` maps header names to
    ``email``, ``first_name``, ``last_name``, a custom field name or ``""``
    to ignore a column; ``encoding`` overrides the detection.
    """
    folder_name = _folder_name(folder) if folder is not None else None
    source = open_source(path, mapping=mapping, encoding=encoding)
    try:
        with ctx.db.write() as session:
            folder_id = _ensure_folder(session, folder_name) if folder_name is not None else None
            writer = _Writer(session, folder_id, update_existing=update_existing)
            for chunk in source.chunks(progress, cancel):
                writer.write(chunk)
            _check_cancel(cancel)
            journal.record_by_person(
                session,
                None,
                Event.CONTACTS_IMPORTED,
                imported=writer.imported,
                updated=writer.updated,
                folder=folder_name,
                file=Path(path).name,
            )
    except IntegrityError:
        raise Refused(
            "import_conflict",
            "Contacts were added by someone else during the import; nothing was "
            "imported, run the import again",
        ) from None
    stats = source.stats
    report = ImportReport(
        imported=writer.imported,
        updated=writer.updated,
        invalid=stats.invalid,
        duplicates=stats.duplicates,
        errors=stats.error_list(),
        skipped=writer.skipped,
        problems=tuple(stats.problems),
        more_problems=stats.more_problems,
    )
    _published(ctx)
    return report


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise cancelled()
