"""Use cases over the database: each takes an :class:`AppContext` and returns
plain dataclasses, never live ORM objects."""
