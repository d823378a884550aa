"""What every service needs: the database and the notification hub."""

from __future__ import annotations

from dataclasses import dataclass, field

from mailapp.db import Database
from mailapp.services.hub import Hub


@dataclass
class AppContext:
    db: Database
    hub: Hub = field(default_factory=Hub)

    @classmethod
    def open(cls, url: str) -> AppContext:
        return cls(Database(url))
