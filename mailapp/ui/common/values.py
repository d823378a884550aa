"""Values of a refusal or an event as they arrived: counts that may be missing."""

from __future__ import annotations


def as_int(value: object) -> int:
    """``value`` as a count; 0 when it is missing or not a number."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
