"""The main window: the table, the commands and their confirmations, the
sending log and the notifications, over a real database and engine."""

from __future__ import annotations

from mailapp.models import MailingState
from mailapp.services import mailings, samples
from mailapp.ui.mailing_table import Column


def test_samples_show_up(qtbot, window, services) -> None:
    with qtbot.waitSignal(window.model.rows_refreshed, timeout=3000):
        services.tasks.run_write(lambda: samples.ensure_samples(services.ctx))
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    names = {window.model.info(r).name for r in range(2)}
    assert names == {"Sample newsletter", "Sample welcome (trigger)"}
    assert window.model.index(0, Column.STATE).data() == "Draft"
    assert all(i.state is MailingState.DRAFT for i in mailings.list_all(services.ctx))
