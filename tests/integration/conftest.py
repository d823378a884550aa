"""What the integration tests share: the real engine over the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailapp.scheduler.engine import MailEngine
from mailapp.services.context import AppContext


@pytest.fixture
def engine(ctx: AppContext) -> Iterator[MailEngine]:
    """The engine, ticking five times a second, stopped after the test."""
    mail_engine = MailEngine(ctx, tick_seconds=0.2)
    mail_engine.start()
    yield mail_engine
    mail_engine.stop()
