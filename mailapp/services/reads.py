"""Bulk reads for the window's tables: plain rows, in chunks.

The window shows a million contacts or recipients by holding their ids and
reading the rows on screen. Both reads run in the window's reader threads,
beside its GUI thread, in one interpreter. Two things would starve the GUI
thread there: ORM objects (an identity map and instrumented attributes per
row) and one long C call that turns a whole result into Python values
without letting go of the interpreter lock. So these reads take Core
``select(...)`` statements, get tuples, and fetch :data:`CHUNK` rows at a
time, handing the interpreter back between chunks.

Ids come back as an ``array('q')``: 8 bytes an id, and no work for the
garbage collector. A list of a million ints is walked by every full
collection — in the reader thread while it grows (15–20 ms a pass,
measured) and in the window for as long as its table holds the list.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import BindParameter, Row, bindparam
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

#: Rows turned into Python values between two hand-backs of the interpreter
#: (a few hundred microseconds of work).
CHUNK = 2000
#: Ids per ``IN (...)`` list, well under every backend's limit.
ID_CHUNK = 500

#: Any Core select, whatever its columns.
AnySelect = Select[*tuple[Any, ...]]
AnyRow = Row[*tuple[Any, ...]]


def _yield_interpreter() -> None:
    """Let a waiting thread (the GUI's) take the interpreter lock now."""
    time.sleep(0)


def rows(
    session: Session, query: AnySelect, params: dict[str, Any] | None = None
) -> Iterator[AnyRow]:
    """The rows of a Core ``query``, fetched :data:`CHUNK` at a time."""
    result = session.connection().execute(query, params)
    while chunk := result.fetchmany(CHUNK):
        yield from chunk
        _yield_interpreter()


def ids(session: Session, query: AnySelect) -> array[int]:
    """The one integer column of ``query`` (ids by the hundred thousand)."""
    values: array[int] = array("q")
    result = session.connection().execute(query)
    while chunk := result.fetchmany(CHUNK):
        values.extend([row[0] for row in chunk])
        _yield_interpreter()
    return values


#: Where a :func:`by_ids` query takes its ids: ``Contact.id.in_(IDS)``.
IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def id_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in runs of :data:`ID_CHUNK`, one ``IN (...)`` list each."""
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def by_ids(
    session: Session, ids: Sequence[int], query: AnySelect, params: dict[str, Any] | None = None
) -> Iterator[AnyRow]:
    """The rows ``query`` gives for each :data:`ID_CHUNK` of ``ids``.

    The ids go in as the values of :data:`IDS`, and the caller builds
    ``query`` once: a statement made anew with 200 ids in it took 1.4 ms
    of the interpreter against 0.95 ms (the contacts of one page of the
    table), time the GUI thread may be waiting for."""
    for chunk in id_chunks(ids):
        part = {"ids": list(chunk)}
        yield from rows(session, query, part if params is None else params | part)


def plain_by_ids(session: Session, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The rows of plain ``sql`` for ``ids``, :data:`ID_CHUNK` ids a time.

    For the pages a table reads while it scrolls, beside the GUI thread:
    no statement is compiled and no value processed; the driver's own
    cursor, in the session's transaction, makes every row's tuple in one
    call. So the caller takes the driver's values as they come (0/1 or
    bools, JSON as text or parsed). ``sql`` says ``{ids}`` where the list
    goes; the ids are written in as numbers (``int`` each, so nothing else
    can get in). A page of 200 contacts took 1.0 ms of the interpreter
    through SQLAlchemy's plain-SQL results against 2.1 ms through Core
    statements (both queries of the page), and its contacts' query 0.55–0.8
    ms on the driver's cursor against 0.85–1.3 ms."""
    found: list[tuple[Any, ...]] = []
    cursor = session.connection().connection.cursor()
    try:
        for chunk in id_chunks(ids):
            listed = ",".join(str(int(i)) for i in chunk)
            cursor.execute(sql.format(ids=listed))
            found.extend(cursor.fetchall())
            _yield_interpreter()
    finally:
        cursor.close()
    return found
