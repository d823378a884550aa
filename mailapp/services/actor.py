"""Who is acting: the name the sending log gives to a change a person made.

Every change a person asks for — in the window or on the command line —
goes through a service, and each such service writes its journal event
with :func:`current`. So the actor is computed in this one place, inside
the transaction of the change, whichever process runs it. The engine's own
moves (a delay running out, a stop finishing, a batch handed over) never
call it: their events have no actor.
"""

from __future__ import annotations

import getpass
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

USER_NAME = "UserName"


def machine_user() -> str:
    """The operating-system user and host, ``anna@marketing-pc``."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (a container)
        user = "unknown"
    return f"{user}@{socket.gethostname() or 'localhost'}"


def current(session: Session) -> str:
    """The ``UserName`` setting if it is set, else :func:`machine_user`."""
    from mailapp.models import Setting  # in an ORM session, the ORM is loaded

    row = session.get(Setting, USER_NAME)
    name = row.value.strip() if row is not None else ""
    return name or machine_user()
