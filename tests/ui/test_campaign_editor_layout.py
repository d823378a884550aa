"""The campaign editor's form: every field has its caption, and the form fits.

Reported: the fields had no labels, and the transition pane overflowed
the form (one long line of combos per transition). Measured on the sample
campaign of the first start, with one more transition and the longest
texts the form gets, at the window's minimum size and at 1280×800, in both
languages.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QComboBox, QFrame, QWidget

from mailapp.models import Response
from mailapp.services import samples
from mailapp.ui.campaigns.editor import CampaignEditor
from mailapp.ui.campaigns.flow_rows import EXIT
from mailapp.ui.services import AppServices

SIZES = [(880, 520), (1280, 800)]


def _editor(qtbot, services: AppServices, size: tuple[int, int]) -> CampaignEditor:
    report = samples.ensure_samples(services.ctx)
    editor = CampaignEditor(services, report.campaign_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready and len(editor.transition_rows) == 1, timeout=5000)
    first = editor.step_rows[0].key
    editor.add_transition(
        first,
        frozenset({Response.HARD_BOUNCE, Response.SOFT_BOUNCE, Response.CANCELLED_INVALID_EMAIL}),
        EXIT,
    )
    editor.resize(*size)
    qtbot.wait(50)
    return editor


def test_every_field_has_its_caption(qtbot, services: AppServices, language: str) -> None:
    editor = _editor(qtbot, services, SIZES[1])
    expected = {
        "en": ["Name:", "Participants from folder:", "Re-entry:", "Run every:"],
        "ru": ["Название:", "Участники из папки:", "Повторный вход:", "Запуск каждые:"],
    }[language]
    fields = [editor.name, editor.folder, editor.reentry, editor.interval]
    captions = [editor.captions[field.objectName()] for field in fields]
    assert [c.text() for c in captions] == expected
    assert [c.buddy() for c in captions] == fields
    assert all(c.isVisible() for c in captions)
    row = editor.transition_rows[0]
    assert [row.from_label.text(), row.when_label.text(), row.to_label.text()] == {
        "en": ["From step:", "When the response is:", "Go to:"],
        "ru": ["Из шага:", "Если отклик:", "Перейти к:"],
    }[language]


def _right_edge(widget: QWidget, viewport: QWidget) -> int:
    return widget.mapTo(viewport, QPoint(widget.width(), 0)).x()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_form_fits_its_pane(
    qtbot,
    services: AppServices,
    language: str,
    size: tuple[int, int],
) -> None:
    editor = _editor(qtbot, services, size)
    viewport = editor.scroll.viewport()
    page = editor.scroll.widget()
    assert page.minimumSizeHint().width() <= viewport.width()
    assert _right_edge(page, viewport) <= viewport.width()
    rows: list[QFrame] = [*editor.step_rows, *editor.transition_rows]
    for row in rows:
        assert _right_edge(row, viewport) <= viewport.width(), row
        for child in row.findChildren(QWidget):
            if child.isVisible():
                assert _right_edge(child, row) <= row.width(), (row, child)
    for combo in page.findChildren(QComboBox):  # long names are cut, not the form
        assert combo.width() <= viewport.width()
