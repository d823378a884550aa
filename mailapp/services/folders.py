"""Folders: the lists of contacts that mailings send to.

The conventions are those of :mod:`mailapp.services.contacts`: plain frozen
dataclasses back, bad input refused with :class:`Refused` before anything
is written, and the hub told after each committed change.

* Folder names are compared case-insensitively. ``add_contact`` and
  ``import_csv`` create the destination folder when it does not exist yet
  (:func:`ensure_folder`); the functions that *read* or *change* a folder
  refuse a name they do not know (:func:`known_folder`).
* ``move_to_folder`` is the window's "Move to folder": out of the folder on
  show (if any) and into another one, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from mailapp.models import Contact, Folder, FolderMember, Mailing, MailingFolder, Refused
from mailapp.models.base import utcnow
from mailapp.models.states import FINAL_STATES
from mailapp.models.validation import require_header_text
from mailapp.services import reads
from mailapp.services.context import AppContext
from mailapp.services.id_lists import check_contacts_exist, unique_ids

__all__ = [
    "FolderInfo",
    "add_to_folder",
    "create_folder",
    "delete_folder",
    "list_folders",
    "move_to_folder",
    "remove_from_folder",
    "rename_folder",
]

FOLDER_NAME_MAX = 200


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


def require_folder_name(name: str) -> str:
    return require_header_text(name, "Folder name", limit=FOLDER_NAME_MAX)


# ---------------------------------------------------------------------------
# Helpers inside a transaction


def find_folder(session: Session, name: str) -> Folder | None:
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


def known_folder(session: Session, folder: int | str) -> Folder:
    found = (
        session.get(Folder, folder)
        if isinstance(folder, int)
        else find_folder(session, folder.strip())
    )
    if found is None:
        raise Refused("folder_unknown", f"There is no folder {folder!r}", folder=str(folder))
    return found


def ensure_folder(session: Session, name: str) -> int:
    found = find_folder(session, name)
    if found is not None:
        return found.id
    folder = Folder(name=name, created_at=utcnow())
    session.add(folder)
    session.flush()
    return folder.id


def add_members(session: Session, folder_id: int, ids: Sequence[int]) -> int:
    """Put contacts into a folder (members already there stay as they were,
    so their growing membership id keeps telling when they joined)."""
    added = 0
    now = utcnow()
    for part in reads.id_chunks(ids):
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


#: The names of the folders of some contacts, as plain SQL (:func:`reads.plain_by_ids`).
_FOLDER_NAMES_SQL = (
    f"SELECT m.contact_id, f.name FROM {FolderMember.__tablename__} m"
    f" JOIN {Folder.__tablename__} f ON f.id = m.folder_id"
    " WHERE m.contact_id IN ({ids}) ORDER BY m.contact_id, f.name"
)


def folder_names(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The folders of each of these contacts, by name."""
    names: dict[int, list[str]] = {}
    for contact_id, name in reads.plain_by_ids(session, _FOLDER_NAMES_SQL, ids):
        names.setdefault(contact_id, []).append(name)
    return names


# ---------------------------------------------------------------------------
# Folders


def create_folder(ctx: AppContext, name: str) -> int:
    clean = require_folder_name(name)
    with ctx.db.write() as session:
        existing = find_folder(session, clean)
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
    ctx.hub.contacts_changed()
    return folder_id


def rename_folder(ctx: AppContext, folder: int | str, new_name: str) -> None:
    clean = require_folder_name(new_name)
    with ctx.db.write() as session:
        row = known_folder(session, folder)
        other = find_folder(session, clean)
        if other is not None and other.id != row.id:
            raise Refused(
                "folder_exists", f"A folder named {other.name!r} already exists", folder=other.name
            )
        row.name = clean
    ctx.hub.contacts_changed()


def delete_folder(ctx: AppContext, folder: int | str) -> None:
    """Delete a folder; its contacts stay. Refused while a mailing that has
    not finished sends to it, because that mailing's audience would change
    under it."""
    with ctx.db.write() as session:
        row = known_folder(session, folder)
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
    ctx.hub.contacts_changed()


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
    ids = unique_ids(contact_ids)
    with ctx.db.write() as session:
        row = known_folder(session, folder)
        check_contacts_exist(session, ids)
        added = add_members(session, row.id, ids)
    ctx.hub.contacts_changed()
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
    ids = unique_ids(contact_ids)
    target_name = require_folder_name(folder)
    with ctx.db.write() as session:
        source = known_folder(session, from_folder) if from_folder is not None else None
        check_contacts_exist(session, ids)
        target = find_folder(session, target_name)
        if source is not None and target is not None and source.id == target.id:
            return 0
        target_id = target.id if target is not None else ensure_folder(session, target_name)
        added = add_members(session, target_id, ids)
        if source is not None:
            for part in reads.id_chunks(ids):
                session.execute(
                    delete(FolderMember)
                    .where(FolderMember.folder_id == source.id, FolderMember.contact_id.in_(part))
                    .execution_options(synchronize_session=False)
                )
    ctx.hub.contacts_changed()
    return added


def remove_from_folder(ctx: AppContext, folder: int | str, contact_ids: Iterable[int]) -> int:
    """Take contacts out of a folder (they stay in the database)."""
    ids = unique_ids(contact_ids)
    removed = 0
    with ctx.db.write() as session:
        row = known_folder(session, folder)
        for part in reads.id_chunks(ids):
            result = session.execute(
                delete(FolderMember)
                .where(FolderMember.folder_id == row.id, FolderMember.contact_id.in_(part))
                .execution_options(synchronize_session=False)
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
    ctx.hub.contacts_changed()
    return removed
