"""What the mailing editor tells under its fields: each problem, how much
it stops (saving, sending, or nothing), in the UI language.

The texts keep the editor's translation context ("MailingEditor"): they
are the editor's words, only kept apart from its widgets.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mailapp.delivery.render import Part, TemplateProblem
from mailapp.delivery.template_check import TemplateCheck, TemplateIssue
from mailapp.models import Refused
from mailapp.models.states import can_edit
from mailapp.services.mailings import MailingInfo
from mailapp.ui.common import labels
from mailapp.ui.common.tasks import error_text

ERROR_STYLE = "color: #c0392b;"
WARNING_STYLE = "color: #9a6700;"
#: The fields in the order of the form, for the summary under it.
FIELD_ORDER = ("name", "sender_name", "sender_email", "subject", "html", "folders", "expires_at")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def put(text: str, **values: str) -> str:
    """``text`` with each ``{key}`` replaced in one pass. Unlike
    ``str.format`` it leaves the template language's own braces alone, so a
    translator reads "the tag {% {tag} %}" rather than doubled braces."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def part_field(part: Part) -> str:
    return "subject" if part == "subject" else "html"


class Level(enum.Enum):
    """How much a problem stops: saving (and so sending), sending, or nothing."""

    SAVE = "save"
    SEND = "send"
    WARNING = "warning"


@dataclass(frozen=True)
class EditorProblem:
    """One problem as the editor shows it, under the field ``field``."""

    field: str
    text: str
    level: Level

    @property
    def blocks_saving(self) -> bool:
        return self.level is Level.SAVE

    @property
    def blocks_sending(self) -> bool:
        return self.level is not Level.WARNING


def field_message(exc: Refused, level: Level) -> str:
    limit = exc.params.get("limit")
    limit = limit if isinstance(limit, int) else 0
    messages = {
        "field_empty": (
            QCoreApplication.translate("MailingEditor", "This field is required.")
            if level is Level.SAVE
            else QCoreApplication.translate(
                "MailingEditor", "Required before the mailing can be sent."
            )
        ),
        "email_empty": QCoreApplication.translate("MailingEditor", "Enter an email address."),
        "email_invalid": QCoreApplication.translate(
            "MailingEditor", "This is not a valid email address."
        ),
        "header_injection": QCoreApplication.translate(
            "MailingEditor", "Line breaks are not allowed here."
        ),
        "field_too_long": QCoreApplication.translate(
            "MailingEditor", "Too long: at most %n character(s).", "", limit
        ),
        "html_empty": QCoreApplication.translate("MailingEditor", "The email body is empty."),
    }
    return messages.get(exc.code) or error_text(exc)


def issue_text(issue: TemplateIssue) -> str:
    """A template mistake in the UI language, with its line."""
    texts = {
        "tag_not_closed": QCoreApplication.translate(
            "MailingEditor", "the tag {% {tag} %} is not closed; add {% end{tag} %} where it ends."
        ),
        "end_without_start": QCoreApplication.translate(
            "MailingEditor", "{% {tag} %} has no {% {opener} %} before it."
        ),
        "else_outside": QCoreApplication.translate(
            "MailingEditor", "{% else %} can only be used inside {% if %} or {% for %}."
        ),
        "elif_outside": QCoreApplication.translate(
            "MailingEditor", "{% elif %} can only be used inside {% if %}."
        ),
        "else_twice": QCoreApplication.translate(
            "MailingEditor", "this {% {tag} %} already has an {% else %}."
        ),
        "elif_after_else": QCoreApplication.translate(
            "MailingEditor", "{% elif %} must come before {% else %}."
        ),
        "unknown_tag": QCoreApplication.translate("MailingEditor", "there is no tag {% {tag} %}."),
        "condition_missing": QCoreApplication.translate(
            "MailingEditor",
            "the tag {% {tag} %} needs a condition, for example {% {tag} contact.city %}.",
        ),
        "for_incomplete": QCoreApplication.translate(
            "MailingEditor", "the tag {% for %} is incomplete; write it as {% for item in list %}."
        ),
        "tag_empty": QCoreApplication.translate(
            "MailingEditor", "{% %} is empty; a tag such as if or for goes inside."
        ),
        "print_empty": QCoreApplication.translate(
            "MailingEditor",
            "{{ }} is empty; put a field in it, for example {{ contact.first_name }}.",
        ),
        "print_not_closed": QCoreApplication.translate(
            "MailingEditor", "{{ is not closed; end it with }}."
        ),
        "tag_not_ended": QCoreApplication.translate(
            "MailingEditor", "{% is not closed; end it with %}."
        ),
        "comment_not_closed": QCoreApplication.translate(
            "MailingEditor", "the comment {# is not closed; end it with #}."
        ),
        "raw_not_closed": QCoreApplication.translate(
            "MailingEditor", "{% raw %} is not closed; add {% endraw %}."
        ),
        "quote_not_closed": QCoreApplication.translate(
            "MailingEditor", "a text in quotes is not closed; add the closing quote."
        ),
        "out_of_place": QCoreApplication.translate(
            "MailingEditor", "“{token}” is out of place here; check the brackets and quotes."
        ),
        "expression_missing": QCoreApplication.translate(
            "MailingEditor", "something is missing here: a field or a value."
        ),
        "template_ends_early": QCoreApplication.translate(
            "MailingEditor",
            "the template ends in the middle of a tag; check that every {{ and {% is closed.",
        ),
        "name_missing": QCoreApplication.translate(
            "MailingEditor", "a field name is missing, for example after a dot."
        ),
        "unknown_filter": QCoreApplication.translate(
            "MailingEditor", "there is no filter “{name}”."
        ),
        "unknown_test": QCoreApplication.translate("MailingEditor", "there is no test “{name}”."),
        "unknown_name_like": QCoreApplication.translate(
            "MailingEditor", "unknown name “{name}”; did you mean “{like}”?"
        ),
        "unknown_name": QCoreApplication.translate(
            "MailingEditor",
            "unknown name “{name}”; use contact.<field>, mailing.name or unsubscribe_url.",
        ),
        "private_name": QCoreApplication.translate(
            "MailingEditor", "“{name}” cannot be used: names that start with “_” are not allowed."
        ),
    }
    text = texts.get(
        issue.code,
        QCoreApplication.translate(
            "MailingEditor",
            "the template is not written correctly here; check the {{ }} and {% %}.",
        ),
    )
    return at_line(put(text, **dict(issue.params)), issue.line)


def at_line(text: str, line: int | None) -> str:
    if line is None:
        return text[:1].upper() + text[1:]
    return put(
        QCoreApplication.translate("MailingEditor", "Line {line}: {problem}"),
        line=str(line),
        problem=text,
    )


def template_problems(
    check: TemplateCheck | None,
    field_names: frozenset[str] | None,
    preview_problem: TemplateProblem | None,
    current: bool,
) -> list[EditorProblem]:
    """Errors and warnings of the template from its latest reading
    ``check``; ``field_names`` are the custom fields some contact has (None
    until read), ``current`` whether ``check`` is of the text shown now."""
    if check is None:
        return []
    found = [EditorProblem(part_field(i.part), issue_text(i), Level.SEND) for i in check.issues]
    if field_names is not None:
        for use in check.fields:
            if use.name not in field_names:
                text = put(
                    QCoreApplication.translate(
                        "MailingEditor",
                        "no contact has the field “{name}”, so it will be empty in every email.",
                    ),
                    name=use.name,
                )
                found.append(
                    EditorProblem(part_field(use.part), at_line(text, use.line), Level.WARNING)
                )
    problem = preview_problem
    if (
        problem is not None
        and problem.part is not None
        and current
        and not check.has_errors(problem.part)
    ):
        # It compiles, but rendering fails for this contact: the sending
        # skips such recipients, so this warns and does not block.
        text = put(
            QCoreApplication.translate(
                "MailingEditor",
                "the email cannot be made for the preview contact ({detail}); "
                "such recipients are skipped when sending.",
            ),
            detail=problem.message,
        )
        field = part_field(problem.part)
        found.append(EditorProblem(field, at_line(text, problem.line), Level.WARNING))
    return found


def field_names() -> dict[str, str]:
    return {
        "name": QCoreApplication.translate("MailingEditor", "Name"),
        "sender_name": QCoreApplication.translate("MailingEditor", "Sender name"),
        "sender_email": QCoreApplication.translate("MailingEditor", "Sender email"),
        "subject": QCoreApplication.translate("MailingEditor", "Subject"),
        "html": QCoreApplication.translate("MailingEditor", "HTML body"),
        "folders": QCoreApplication.translate("MailingEditor", "Audience"),
        "expires_at": QCoreApplication.translate("MailingEditor", "Expiration"),
    }


def summary_text(found: list[EditorProblem]) -> str:
    names = field_names()

    def fields(level: Level) -> str:
        keys = {p.field for p in found if p.level is level}
        return ", ".join(names[k] for k in FIELD_ORDER if k in keys)

    lines = []
    if blocking := fields(Level.SAVE):
        lines.append(
            QCoreApplication.translate(
                "MailingEditor", "To save the mailing, fix: {fields}."
            ).format(fields=blocking)
        )
    if sending := fields(Level.SEND):
        lines.append(
            QCoreApplication.translate(
                "MailingEditor",
                "You can save the mailing now, but it cannot be sent until you fix: {fields}.",
            ).format(fields=sending)
        )
    if warned := fields(Level.WARNING):
        lines.append(
            QCoreApplication.translate(
                "MailingEditor", "Warnings (they do not stop sending): {fields}."
            ).format(fields=warned)
        )
    return "\n".join(lines)


class FieldMessages:
    """The errors (red) and warnings (amber) under each field, in labels
    named ``<key>Error`` and ``<key>Warning``."""

    def __init__(self) -> None:
        self.errors: dict[str, QLabel] = {}
        self.warnings: dict[str, QLabel] = {}

    def wrap(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with room under it for the messages of field ``key``."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget, 1)
        for kind, style, labels_of in (
            ("Error", ERROR_STYLE, self.errors),
            ("Warning", WARNING_STYLE, self.warnings),
        ):
            label = QLabel()
            label.setObjectName(f"{key}{kind}")
            label.setStyleSheet(style)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # templates contain < and &
            label.hide()
            labels_of[key] = label
            column.addWidget(label)
        return box

    def show(self, found: list[EditorProblem]) -> None:
        """Each of ``found`` under its field; the other labels hidden."""
        for key in self.errors:
            for level_set, label in (
                ((Level.SAVE, Level.SEND), self.errors[key]),
                ((Level.WARNING,), self.warnings[key]),
            ):
                text = "\n".join(p.text for p in found if p.field == key and p.level in level_set)
                label.setText(text)
                label.setVisible(bool(text))


def read_only_reason(info: MailingInfo) -> str | None:
    """Why the editor cannot change ``info``, or None when it can."""
    if info.handed_over:
        return QCoreApplication.translate(
            "MailingEditor",
            "This mailing has already handed emails to the provider, so its "
            "template can no longer be changed.",
        )
    if not can_edit(info.state):
        return QCoreApplication.translate(
            "MailingEditor",
            "A mailing in the state “{state}” cannot be changed. Pause it "
            "(Stop sending) to change it.",
        ).format(state=labels.state_name(info.state))
    return None
