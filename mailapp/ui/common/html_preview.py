"""A live, personalised preview of a mailing's template.

:class:`HtmlPreview` waits until typing pauses (``DEBOUNCE_MS``), then
compiles and renders the template for one contact off the GUI thread and
shows the subject and the HTML. A template problem is announced through
:attr:`HtmlPreview.problem_changed` with its line, so the editor can put it
under the field. Links are never followed and nothing is fetched from the
network: the preview shows what the template makes, nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from mailapp.delivery.render import Rendered, TemplateProblem, compile_template
from mailapp.ui.common.lazy_model import alive, submit
from mailapp.ui.common.tasks import TaskRunner

DEBOUNCE_MS = 300


def render_preview(
    subject: str, html: str, contact: Mapping[str, Any], mailing_name: str, unsubscribe_url: str
) -> Rendered:
    """Compile and render (runs in a worker thread)."""
    return compile_template(subject, html).render(contact, mailing_name, unsubscribe_url)


class HtmlView(QTextBrowser):
    """Shows HTML without following links or loading anything remote."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, name: Any) -> Any:
        return None  # no remote images, no local files


class HtmlPreview(QWidget):
    """``set_template(subject, html, contact, mailing_name)`` → a preview shortly after."""

    #: (TemplateProblem | None) the template's problem, or None when it renders.
    problem_changed = Signal(object)
    #: () a render finished (the preview shows the newest template).
    rendered = Signal()

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._generation = 0
        self._source: tuple[str, str, dict[str, Any], str, str] | None = None
        self.problem: TemplateProblem | None = None
        self.pending = False
        self.subject = QLabel()
        self.subject.setObjectName("previewSubject")
        self.subject.setWordWrap(True)
        font = self.subject.font()
        font.setBold(True)
        self.subject.setFont(font)
        self.view = HtmlView()
        self.view.setObjectName("previewBody")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._render)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.subject)
        layout.addWidget(self.view, 1)

    def set_template(
        self,
        subject: str,
        html: str,
        contact: Mapping[str, Any],
        mailing_name: str,
        unsubscribe_url: str = "",
    ) -> None:
        self._source = (subject, html, dict(contact), mailing_name, unsubscribe_url)
        self._generation += 1
        self.pending = True
        self._timer.start()

    def show_message(self, subject: str, html: str) -> None:
        """Show an already rendered message (the outbox)."""
        self._timer.stop()
        self._generation += 1
        self.subject.setText(subject)
        self.view.setHtml(html)

    @Slot()
    def _render(self) -> None:
        if self._source is None:
            return
        generation = self._generation
        subject, html, contact, name, url = self._source
        submit(
            self._tasks,
            lambda: render_preview(subject, html, contact, name, url),
            lambda r: self._done(generation, r, None),
            lambda e: self._done(generation, None, e),
        )

    def _done(self, generation: int, result: Rendered | None, exc: BaseException | None) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.pending = False
        if result is not None:
            self.subject.setText(result.subject)
            self.view.setHtml(result.html)
            self.problem = None
        elif isinstance(exc, TemplateProblem):
            self.problem = exc
        else:
            self.problem = TemplateProblem(str(exc))
        self.problem_changed.emit(self.problem)
        self.rendered.emit()
