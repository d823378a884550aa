"""The mailing editor: what the mailing says, from whom, and to whom.

``MailingEditor(services, mailing_id, parent)`` edits a mailing (``None``
creates one). A marketer writes a mailing over several sittings, so a draft
saves as soon as it has a name: what would stop it being *sent* (no subject
yet, a half-written template) is listed but does not disable *Save*; *Start
sending* refuses it later (``mailings.validate``). Only what cannot be stored
at all (no name, a line break in a header) disables *Save*.

Every problem is shown at once under its field, not only the first: the
template is read off the GUI thread (:func:`check_template`) and each
mistake is told in plain words at its line. A field the template uses that
no contact has is a warning (it renders empty), as is a template that fails
for the preview contact; neither stops sending. The preview renders the
template off the GUI thread for a contact of the audience.

Closing the editor with unsaved changes (Cancel, Esc, the window's close
button) asks first, with *Keep editing* as the default. A mailing that has
handed anything to the provider, or whose state does not allow changes,
opens read-only with a banner that says why.
"""

from __future__ import annotations

import difflib
import enum
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.render import (
    BUILTIN_FIELDS,
    KNOWN_NAMES,
    Part,
    TemplateProblem,
    compile_template,
)
from mailapp.models import MailingKind, Refused
from mailapp.models.states import can_edit
from mailapp.services import campaigns, contacts, mailings
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.contacts import ContactInfo, FolderInfo
from mailapp.services.mailings import MailingInfo, MailingInput
from mailapp.ui.common import labels
from mailapp.ui.common.html_preview import HtmlPreview
from mailapp.ui.common.lazy_model import alive, submit
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

ERROR_STYLE = "color: #c0392b;"
WARNING_STYLE = "color: #9a6700;"
BANNER_STYLE = "background: #fdebd0; color: #6e2c00; padding: 6px; border-radius: 3px;"
#: Contacts offered for the preview.
SAMPLE_SIZE = 50
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1
#: How long typing must pause before the template is read again.
CHECK_DEBOUNCE_MS = 300
#: The fields in the order of the form, for the summary under it.
FIELD_ORDER = ("name", "sender_name", "sender_email", "subject", "html", "folders", "expires_at")


# -- template diagnosis (runs in a worker thread) ----------------------------------------
#
# ``compile_template`` says whether a template may be sent, but it stops at the
# first mistake and speaks Jinja ("Expected an expression, got 'end of
# statement block'"). The editor wants every mistake, in a marketer's words,
# at the line where it is: this reads the template's tokens and tree itself.
# ``compile_template`` stays the judge: a part it accepts has no error here,
# and a part it refuses always has at least one.

#: Tags that enclose a body and need their ``end…`` tag (``set`` only in its
#: block form, ``{% set x %}…{% endset %}``).
_BLOCK_TAGS = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "autoescape"})
#: Every tag the template language knows besides those.
_OTHER_TAGS = frozenset({"set", "include", "import", "from", "extends", "print", "else", "elif"})
_LEXER = ImmutableSandboxedEnvironment()
_JINJA_GLOBALS = frozenset(_LEXER.globals)
_QUOTES = ("'", '"')


@dataclass(frozen=True)
class TemplateIssue:
    """One mistake in a template: ``code`` and ``params`` become a sentence in
    the UI language in the editor; ``line`` is 1-based within the part."""

    part: Part
    code: str
    line: int | None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FieldUse:
    """A ``contact.<name>`` the template reads (for the missing-field warning)."""

    part: Part
    name: str
    line: int


@dataclass(frozen=True)
class TemplateCheck:
    """What :func:`check_template` found for one subject and body."""

    subject: str
    html: str
    issues: tuple[TemplateIssue, ...]
    fields: tuple[FieldUse, ...]

    def has_errors(self, part: Part) -> bool:
        return any(i.part == part for i in self.issues)


def check_template(subject: str, html: str) -> TemplateCheck:
    """Every mistake of the subject and of the body, and the fields they use."""
    issues: list[TemplateIssue] = []
    fields: list[FieldUse] = []
    parts: tuple[tuple[Part, str], ...] = (("subject", subject), ("body", html))
    for part, source in parts:
        part_issues, part_fields = _check_part(source, part)
        issues.extend(part_issues)
        fields.extend(part_fields)
    return TemplateCheck(subject, html, tuple(issues), tuple(fields))


def _issue(part: Part, code: str, line: int | None, **params: str) -> TemplateIssue:
    return TemplateIssue(part, code, line, tuple(sorted(params.items())))


def _check_part(source: str, part: Part) -> tuple[list[TemplateIssue], list[FieldUse]]:
    if not source.strip():
        return [], []
    if part == "subject" and any(ch in source for ch in "\r\n\x00"):
        return [], []  # a line break is the subject field's own problem
    try:
        if part == "subject":
            compile_template(source, "")
        else:
            compile_template("", source)
    except TemplateProblem as exc:
        refusal: Exception = exc
    except TemplateSyntaxError as exc:  # found while generating code (an unknown filter)
        refusal = exc
    else:
        tree = _LEXER.parse(source)
        return [], _field_uses(tree, part)
    try:
        tree = _LEXER.parse(source)
    except TemplateSyntaxError as exc:
        return _syntax_issues(source, part, exc), []
    issues = _tree_issues(tree, part)
    try:  # some mistakes (an unknown filter) show only when code is made
        _LEXER.from_string(source)
    except TemplateSyntaxError as exc:
        issues.append(_translate(part, exc.message or "", exc.lineno))
    if not issues:  # a mistake this reading does not know; say where it is
        line = refusal.line if isinstance(refusal, TemplateProblem) else None
        issues = [_issue(part, "other", line)]
    return issues, _field_uses(tree, part)


def _tokens(source: str) -> tuple[list[tuple[int, str, str]], TemplateSyntaxError | None]:
    """The tokens up to the first one the lexer cannot read, and its error."""
    tokens: list[tuple[int, str, str]] = []
    try:
        for token in _LEXER.lex(source):
            if token[1] != "whitespace":
                tokens.append(token)
    except TemplateSyntaxError as exc:
        return tokens, exc
    return tokens, None


def _statements(
    tokens: list[tuple[int, str, str]],
) -> list[tuple[str, int, list[tuple[int, str, str]], bool]]:
    """``{% … %}`` and ``{{ … }}`` as (kind, line, inner tokens, closed)."""
    found = []
    ends = {"block_begin": "block_end", "variable_begin": "variable_end"}
    i = 0
    while i < len(tokens):
        line, kind, _value = tokens[i]
        if kind not in ends:
            i += 1
            continue
        inner = []
        j = i + 1
        while j < len(tokens) and tokens[j][1] != ends[kind]:
            inner.append(tokens[j])
            j += 1
        found.append((kind, line, inner, j < len(tokens)))
        i = j + 1
    return found


def _runs_into_text(inner: list[tuple[int, str, str]]) -> bool:
    """Whether ``{{``/``{%`` seems to run on into the HTML after it (its
    closing braces forgotten): an HTML tag or another ``{{`` inside."""
    values = [value for _line, kind, value in inner if kind == "operator"]
    pairs = list(itertools.pairwise(values))
    if ("<", "/") in pairs or ("{", "{") in pairs or ("{", "%") in pairs:
        return True
    return any(
        a[2] == "<" and b[1] == "name" and c[2] == ">"
        for a, b, c in zip(inner, inner[1:], inner[2:], strict=False)
    )


def _syntax_issues(source: str, part: Part, error: TemplateSyntaxError) -> list[TemplateIssue]:
    """A template Jinja cannot parse: the structure read from its tokens,
    and the parser's own complaint if that does not already explain it."""
    tokens, lex_error = _tokens(source)
    issues: list[TemplateIssue] = []
    open_tags: list[list[Any]] = []  # [tag, line, has an else]
    stopped = False
    for kind, line, inner, closed in _statements(tokens):
        if (not closed and lex_error is None) or _runs_into_text(inner):
            # Its closing braces are missing: what follows is read wrongly,
            # so say this and guess no further.
            code = "print_not_closed" if kind == "variable_begin" else "tag_not_ended"
            issues.append(_issue(part, code, line))
            stopped = True
            break
        if not closed:  # cut short by the lexer's error, translated below
            break
        if kind == "variable_begin":
            if not inner:
                issues.append(_issue(part, "print_empty", line))
            continue
        if not inner or inner[0][1] != "name":
            issues.append(_issue(part, "tag_empty", line))
            continue
        tag, rest = inner[0][2], inner[1:]
        if tag in ("if", "elif") and not rest:
            issues.append(_issue(part, "condition_missing", line, tag=tag))
        elif tag == "for" and not any(t[1] == "name" and t[2] == "in" for t in rest):
            issues.append(_issue(part, "for_incomplete", line))
        if tag in _BLOCK_TAGS or (tag == "set" and not any(t[2] == "=" for t in rest)):
            open_tags.append([tag, line, False])
        elif tag in ("else", "elif"):
            allowed = ("if", "for") if tag == "else" else ("if",)
            if not open_tags or open_tags[-1][0] not in allowed:
                issues.append(_issue(part, f"{tag}_outside", line))
            elif open_tags[-1][2]:
                code = "else_twice" if tag == "else" else "elif_after_else"
                issues.append(_issue(part, code, line, tag=open_tags[-1][0]))
            elif tag == "else":
                open_tags[-1][2] = True
        elif tag.startswith("end") and tag[3:] in _BLOCK_TAGS | {"set"}:
            opener = tag[3:]
            if opener not in (entry[0] for entry in open_tags):
                issues.append(_issue(part, "end_without_start", line, tag=tag, opener=opener))
                continue
            while open_tags[-1][0] != opener:
                name, at, _else = open_tags.pop()
                issues.append(_issue(part, "tag_not_closed", at, tag=name))
            open_tags.pop()
        elif tag not in _OTHER_TAGS:
            issues.append(_issue(part, "unknown_tag", line, tag=tag))
    if lex_error is None and not stopped:
        issues.extend(_issue(part, "tag_not_closed", entry[1], tag=entry[0]) for entry in open_tags)
    explained = {i.line for i in issues}
    problem = lex_error or error
    structural = (problem.message or "").startswith(("Encountered unknown tag", "Unexpected end"))
    if problem.lineno not in explained and not (structural and issues):
        issues.append(_translate(part, problem.message or "", problem.lineno))
    issues.sort(key=lambda i: i.line or 0)
    return issues


_UNEXPECTED_CHAR = re.compile(r"unexpected char (['\"])(.+?)\1 at \d+")
_UNEXPECTED = re.compile(r"unexpected '(.+?)'")
_GOT = re.compile(r"expected token '.+?', got '(.+?)'")
_NO_FILTER = re.compile(r"No (filter|test) named '(.+?)'")
#: What Jinja calls the ends of things, in the template's own characters.
_TOKEN_NAMES = {"end of print statement": "}}", "end of statement block": "%}"}


def _translate(part: Part, message: str, line: int | None) -> TemplateIssue:
    """One Jinja message in plain words (the kinds a marketer runs into)."""
    if message == "Missing end of comment tag":
        return _issue(part, "comment_not_closed", line)
    if message == "Missing end of raw directive":
        return _issue(part, "raw_not_closed", line)
    if message == "tag name expected":
        return _issue(part, "tag_empty", line)
    if message.startswith("Expected an expression, got 'end of print statement'"):
        return _issue(part, "print_empty", line)
    if message.startswith("Expected an expression"):
        return _issue(part, "expression_missing", line)
    if message.startswith("unexpected end of template"):
        return _issue(part, "template_ends_early", line)
    if message == "expected name or number":
        return _issue(part, "name_missing", line)
    if match := _NO_FILTER.match(message):
        return _issue(part, f"unknown_{match.group(1)}", line, name=match.group(2))
    if match := re.match(r"Encountered unknown tag '(.+?)'", message):
        return _issue(part, "unknown_tag", line, tag=match.group(1))
    if match := _UNEXPECTED_CHAR.match(message):
        char = match.group(2)
        if char in _QUOTES:
            return _issue(part, "quote_not_closed", line)
        return _issue(part, "out_of_place", line, token=char)
    if match := _UNEXPECTED.match(message) or _GOT.match(message):
        token = match.group(1)
        return _issue(part, "out_of_place", line, token=_TOKEN_NAMES.get(token, token))
    return _issue(part, "other", line)


def _tree_issues(tree: nodes.Template, part: Part) -> list[TemplateIssue]:
    """Mistakes of a template that parses: unknown names, private attributes."""
    issues: list[TemplateIssue] = []
    try:
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError:
        # Jinja's reading of the names stops at an unknown filter; without
        # it, a name set or looped over anywhere counts as declared.
        declared = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        declared |= {m.name for m in tree.find_all(nodes.Macro)}
        undeclared = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - declared
    unknown = undeclared - KNOWN_NAMES - _JINJA_GLOBALS
    first: dict[str, int] = {}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in unknown:
            first[node.name] = min(first.get(node.name, node.lineno), node.lineno)
    for name, line in sorted(first.items(), key=lambda item: (item[1], item[0])):
        close = difflib.get_close_matches(name, sorted(KNOWN_NAMES), n=1)
        if close:
            issues.append(_issue(part, "unknown_name_like", line, name=name, like=close[0]))
        else:
            issues.append(_issue(part, "unknown_name", line, name=name))
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            issues.append(_issue(part, "private_name", attr.lineno, name=attr.attr))
    issues.sort(key=lambda i: i.line or 0)
    return issues


def _field_uses(tree: nodes.Template, part: Part) -> list[FieldUse]:
    """``contact.city`` and ``contact["city"]``, each name at its first line."""
    first: dict[str, int] = {}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = getattr(node, "node", None)
        if not (isinstance(target, nodes.Name) and target.name == "contact"):
            continue
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            name = node.arg.value
        else:
            continue
        if name not in BUILTIN_FIELDS and not name.startswith("_"):
            first[name] = min(first.get(name, node.lineno), node.lineno)
    return [FieldUse(part, name, line) for name, line in sorted(first.items())]


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _put(text: str, **values: str) -> str:
    """``text`` with each ``{key}`` replaced in one pass. Unlike
    ``str.format`` it leaves the template language's own braces alone, so a
    translator reads "the tag {% {tag} %}" rather than doubled braces."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _part_field(part: Part) -> str:
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


class DiscardChangesBox(QMessageBox):
    """The question "Discard changes?" before unsaved changes are lost.

    *Keep editing* is the default and the Esc button: a stray Enter or Esc
    must never throw work away; the destructive button says what it does.
    Its texts share the editor's translation context.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(QCoreApplication.translate("MailingEditor", "Unsaved changes"))
        self.setText(QCoreApplication.translate("MailingEditor", "Discard changes?"))
        self.setInformativeText(
            QCoreApplication.translate(
                "MailingEditor", "The changes to this mailing have not been saved."
            )
        )
        self.discard_button = self.addButton(
            QCoreApplication.translate("MailingEditor", "Discard changes"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        self.keep_button = self.addButton(
            QCoreApplication.translate("MailingEditor", "Keep editing"),
            QMessageBox.ButtonRole.RejectRole,
        )
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)

    def discarded(self) -> bool:
        return self.clickedButton() is self.discard_button


class MailingEditor(QDialog):
    #: (int) the mailing was saved; its id.
    saved = Signal(int)

    def __init__(
        self, services: AppServices, mailing_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.mailing_id = mailing_id
        self.info: MailingInfo | None = None
        self.read_only = False
        self.loaded = mailing_id is None
        self._folders: list[FolderInfo] = []
        self._checked_folders: set[str] = set()
        self._samples: list[ContactInfo] = []
        self._sample_generation = 0
        #: The preview's problem for its contact (a warning unless the check
        #: below already calls the template wrong).
        self.preview_problem: TemplateProblem | None = None
        #: The latest reading of the template, and whether a newer one is due.
        self.template_check: TemplateCheck | None = None
        self.checking = False
        self._check_generation = 0
        #: Custom field names some contact has; None until read (off-thread).
        self.field_names: frozenset[str] | None = None
        self.discard_box: DiscardChangesBox | None = None
        self._discard_question: DiscardChangesBox | None = None
        self._baseline: tuple[Any, ...] | None = None
        self._saving = False
        self.setWindowTitle(self.tr("New mailing") if mailing_id is None else self.tr("Mailing"))
        self.resize(1100, 780)

        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()

        # -- fields
        self.errors: dict[str, QLabel] = {}
        self.warnings: dict[str, QLabel] = {}
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem(labels.kind_name(MailingKind.BULK), MailingKind.BULK.value)
        self.kind.addItem(labels.kind_name(MailingKind.TRIGGER), MailingKind.TRIGGER.value)
        self.sender_name = QLineEdit()
        self.sender_email = QLineEdit()
        self.sender_email.setPlaceholderText(self.tr("news@example.com"))
        self.subject = QLineEdit()
        self.html = QPlainTextEdit()
        self.html.setObjectName("htmlSource")
        self.html.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = self.html.font()
        mono.setFamily("monospace")
        self.html.setFont(mono)
        self.macro_button = QToolButton()
        self.macro_button.setText(self.tr("Insert field"))
        self.macro_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.macro_menu = QMenu(self.macro_button)
        self.macro_button.setMenu(self.macro_menu)
        self.expires = QCheckBox(self.tr("Stop sending at"))
        self.expires_at = QDateTimeEdit()
        self.expires_at.setCalendarPopup(True)
        self.expires_at.setDateTime(QDateTime.currentDateTime().addDays(7))
        self.expires_at.setEnabled(False)
        self.expires.toggled.connect(self.expires_at.setEnabled)

        form = QFormLayout()
        form.addRow(self.tr("Name:"), self._with_error("name", self.name))
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("Sender name:"), self._with_error("sender_name", self.sender_name))
        form.addRow(self.tr("Sender email:"), self._with_error("sender_email", self.sender_email))
        form.addRow(self.tr("Subject:"), self._with_error("subject", self.subject))
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires)
        expiry.addWidget(self.expires_at, 1)
        form.addRow(self.tr("Expiration:"), expiry)

        # -- body and preview
        body_tools = QHBoxLayout()
        body_tools.addWidget(QLabel(self.tr("HTML body:")))
        body_tools.addStretch(1)
        body_tools.addWidget(self.macro_button)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(body_tools)
        body_layout.addWidget(self._with_error("html", self.html), 1)
        self.preview_contact = QComboBox()
        self.preview_contact.setObjectName("previewContact")
        self.preview = HtmlPreview(services.tasks)
        self.preview.problem_changed.connect(self._template_checked)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        contact_row = QHBoxLayout()
        contact_row.addWidget(QLabel(self.tr("Preview for:")))
        contact_row.addWidget(self.preview_contact, 1)
        preview_layout.addLayout(contact_row)
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(body)
        splitter.addWidget(preview_box)
        splitter.setSizes([550, 550])

        # -- audience
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("audienceFolders")
        self.folder_list.itemChanged.connect(self._folder_toggled)
        self.trigger_note = QLabel(
            self.tr(
                "A trigger mailing has no folders: the campaigns that lead to it "
                "add its recipients one by one."
            )
        )
        self.trigger_note.setWordWrap(True)
        self.trigger_note.hide()
        # A follow-up's recipients were fixed when it was made.
        self.follow_up_note = QLabel()
        self.follow_up_note.setObjectName("followUpNote")
        self.follow_up_note.setWordWrap(True)
        self.follow_up_note.hide()
        # Trigger mailings: the campaigns that feed it (read off-thread).
        self.fed_by = QLabel()
        self.fed_by.setObjectName("fedBy")
        self.fed_by.setWordWrap(True)
        self.fed_by.setTextFormat(Qt.TextFormat.PlainText)
        self.fed_by.hide()
        audience = QGroupBox(self.tr("Audience"))
        audience_layout = QVBoxLayout(audience)
        audience_layout.addWidget(self._with_error("folders", self.folder_list))
        audience_layout.addWidget(self.trigger_note)
        audience_layout.addWidget(self.follow_up_note)
        audience_layout.addWidget(self.fed_by)

        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addWidget(audience, 2)

        # What stops saving or sending, by field, so nothing is overlooked
        # when the problem's own field is scrolled away or hidden.
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.hide()
        self.save_error = QLabel()
        self.save_error.setObjectName("saveError")
        self.save_error.setStyleSheet(ERROR_STYLE)
        self.save_error.setWordWrap(True)
        self.save_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.test_button = QPushButton(self.tr("Send test email…"))
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.send_test)
        if mailing_id is None:
            self.test_button.setEnabled(False)
            self.test_button.setToolTip(self.tr("Save the mailing first"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DEBOUNCE_MS)
        self._check_timer.timeout.connect(self._check_template)
        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.textChanged.connect(self.validate)
        self.subject.textChanged.connect(self._schedule_preview)
        self.subject.textChanged.connect(self._schedule_check)
        self.name.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self._schedule_check)
        self.html.textChanged.connect(self.validate)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.preview_contact.currentIndexChanged.connect(self._schedule_preview)
        self._build_macro_menu([])
        self._fill_samples([])

        self.save_button.setEnabled(False)
        self._load()
        if mailing_id is None:
            self._baseline = self._snapshot()

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        """The field with its errors (red) and warnings (amber) under it."""
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

    # -- loading -------------------------------------------------------------------

    def _load(self) -> None:
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._services.tasks.run(
            lambda: contacts.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
        )
        # Every contact's fields are read: with many contacts this takes a
        # while, so never on the GUI thread. Without it there is no warning.
        self._services.tasks.run(
            lambda: mailings.contact_field_names(ctx),
            on_success=self._field_names_loaded,
            on_failure=lambda _exc: None,
        )
        if mailing_id is not None:
            self._services.tasks.run(
                lambda: mailings.get(ctx, mailing_id),
                on_success=self._mailing_loaded,
                on_failure=self._load_failed,
            )
        else:
            self.validate()

    def _mailing_loaded(self, info: MailingInfo) -> None:
        if not alive(self):
            return
        self.info = info
        self.loaded = True
        self.setWindowTitle(self.tr("Mailing: {name}").format(name=info.name))
        self.name.setText(info.name)
        self.kind.setCurrentIndex(max(self.kind.findData(info.kind.value), 0))
        self.sender_name.setText(info.sender_name)
        self.sender_email.setText(info.sender_email)
        self.subject.setText(info.subject)
        self.html.setPlainText(info.html)
        if info.expires_at is not None:
            self.expires.setChecked(True)
            self.expires_at.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(info.expires_at.timestamp()))
            )
        self._checked_folders = set(info.folders)
        self._show_folders()
        if info.follows is not None:
            self.follow_up_note.setText(
                self.tr(
                    "Sent to those mailing {id} did not reach: %n recipient(s), fixed when "
                    "this follow-up was made. Whoever unsubscribes or is reached meanwhile "
                    "is left out at the start.",
                    "",
                    info.recipients,
                ).format(id=info.follows)
            )
            self.follow_up_note.show()
            self.kind.setEnabled(False)
            self._kind_changed()
        if info.handed_over:
            self._make_read_only(
                self.tr(
                    "This mailing has already handed emails to the provider, so its "
                    "template can no longer be changed."
                )
            )
        elif not can_edit(info.state):
            self._make_read_only(
                self.tr(
                    "A mailing in the state “{state}” cannot be changed. Pause it "
                    "(Stop sending) to change it."
                ).format(state=labels.state_name(info.state))
            )
        if info.kind is MailingKind.TRIGGER:
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: campaigns.campaigns_feeding(ctx, info.id),
                on_success=self._feeders_loaded,
            )
        self._baseline = self._snapshot()
        self.validate()
        self._load_samples()

    def _field_names_loaded(self, names: frozenset[str]) -> None:
        if not alive(self):
            return
        self.field_names = names
        self._build_macro_menu(sorted(names | self._sample_keys()))
        self.validate()

    def _feeders_loaded(self, feeders: list[CampaignInfo]) -> None:
        if not alive(self):
            return
        if feeders:
            names = ", ".join(
                self.tr("“{name}” ({state})").format(
                    name=c.name, state=labels.campaign_state_name(c.state)
                )
                for c in feeders
            )
            self.fed_by.setText(self.tr("Fed by campaigns: {names}").format(names=names))
        else:
            self.fed_by.setText(self.tr("Fed by campaigns: none yet"))
        self.fed_by.setVisible(self.kind.currentData() == MailingKind.TRIGGER.value)

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        self._folders = folders
        self._show_folders()
        self._load_samples()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_error.setText(
                self.tr("Cannot load the mailing: {error}").format(error=error_text(exc))
            )
            self.save_error.show()

    def _show_folders(self) -> None:
        locale = QLocale()
        self.folder_list.blockSignals(True)
        self.folder_list.clear()
        for folder in self._folders:
            item = QListWidgetItem(
                self.tr(
                    "{name} — {valid} valid · {invalid} invalid · {unsubscribed} unsubscribed"
                ).format(
                    name=folder.name,
                    valid=locale.toString(folder.valid),
                    invalid=locale.toString(folder.invalid + folder.no_email),
                    unsubscribed=locale.toString(folder.unsubscribed),
                )
            )
            item.setData(FOLDER_ROLE, folder.name)
            item.setToolTip(self.tr("%Ln contact(s) in this folder", "", folder.contacts))
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if self.read_only:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            checked = folder.name in self._checked_folders
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.folder_list.addItem(item)
        self.folder_list.blockSignals(False)

    def _make_read_only(self, reason: str) -> None:
        self.read_only = True
        self.banner.setText(reason)
        self.banner.show()
        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.setReadOnly(True)
        self.html.setReadOnly(True)
        for widget in (self.kind, self.expires, self.expires_at, self.macro_button):
            widget.setEnabled(False)
        self.folder_list.setEnabled(False)
        self.save_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    # -- audience and preview contacts ------------------------------------------------

    def chosen_folders(self) -> tuple[str, ...]:
        """The ticked folders, in the list's order. Until the list of folders
        has arrived, the mailing's own (a quick Save must not drop them)."""
        if self.kind.currentData() == MailingKind.TRIGGER.value:
            return ()
        if not self._folders:
            stored = self.info.folders if self.info is not None else ()
            return tuple(f for f in stored if f in self._checked_folders)
        return tuple(f.name for f in self._folders if f.name in self._checked_folders)

    @Slot(QListWidgetItem)
    def _folder_toggled(self, item: QListWidgetItem) -> None:
        name = str(item.data(FOLDER_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._checked_folders.add(name)
        else:
            self._checked_folders.discard(name)
        self.validate()
        self._load_samples()

    @Slot()
    def _kind_changed(self) -> None:
        trigger = self.kind.currentData() == MailingKind.TRIGGER.value
        follow_up = self.info is not None and self.info.follows is not None
        self.folder_list.setVisible(not trigger and not follow_up)
        self.trigger_note.setVisible(trigger)
        self.fed_by.setVisible(trigger and bool(self.fed_by.text()))
        self.validate()

    def _load_samples(self) -> None:
        """Contacts of the first chosen folder (or of all) for the preview."""
        if not self._folders and self.mailing_id is None:
            return
        self._sample_generation += 1
        generation = self._sample_generation
        ctx = self._services.ctx
        folders = self.chosen_folders()
        folder = folders[0] if folders else None

        def fetch() -> list[ContactInfo]:
            return contacts.list_contacts(ctx, folder=folder, limit=SAMPLE_SIZE)

        self._services.tasks.run(
            fetch,
            on_success=lambda rows: self._samples_loaded(generation, rows),
            on_failure=lambda _exc: None,
        )

    def _samples_loaded(self, generation: int, rows: list[ContactInfo]) -> None:
        if alive(self) and generation == self._sample_generation:
            self._fill_samples(rows)

    def _fill_samples(self, rows: list[ContactInfo]) -> None:
        self._samples = [c for c in rows if c.email_status == "valid"] or rows
        self.preview_contact.blockSignals(True)
        self.preview_contact.clear()
        if not self._samples:
            self.preview_contact.addItem(self.tr("Sample contact (no contacts yet)"))
        for contact in self._samples:
            name = f"{contact.first_name} {contact.last_name}".strip()
            email = contact.email or ""
            self.preview_contact.addItem(f"{name} <{email}>" if name else email)
        self.preview_contact.blockSignals(False)
        self._build_macro_menu(sorted(self._sample_keys() | (self.field_names or frozenset())))
        self._schedule_preview()

    def _sample_keys(self) -> set[str]:
        return {k for c in self._samples for k in c.fields}

    def preview_data(self) -> dict[str, Any]:
        row = self.preview_contact.currentIndex()
        if 0 <= row < len(self._samples):
            c = self._samples[row]
            return {
                **c.fields,
                "email": c.email or "",
                "first_name": c.first_name,
                "last_name": c.last_name,
            }
        return {
            "email": "alex.sample@example.com",
            "first_name": self.tr("Alex"),
            "last_name": self.tr("Sample"),
        }

    # -- macros ----------------------------------------------------------------------------

    def _build_macro_menu(self, custom: list[str]) -> None:
        self.macro_menu.clear()
        for text, code in (
            (self.tr("First name"), "{{ contact.first_name }}"),
            (self.tr("Last name"), "{{ contact.last_name }}"),
            (self.tr("Email"), "{{ contact.email }}"),
            (self.tr("Mailing name"), "{{ mailing.name }}"),
            (self.tr("Unsubscribe link"), "{{ unsubscribe_url }}"),
        ):
            self._add_macro(text, code)
        if custom:
            self.macro_menu.addSection(self.tr("Fields of the contacts"))
            for key in custom:
                self._add_macro(key, f"{{{{ contact.{key} }}}}")

    def _add_macro(self, text: str, code: str) -> None:
        action = QAction(f"{text}    {code}", self.macro_menu)
        action.setData(code)
        action.triggered.connect(self._insert_macro)
        self.macro_menu.addAction(action)

    @Slot()
    def _insert_macro(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.insert_macro(str(action.data()))

    def insert_macro(self, code: str) -> None:
        cursor = self.html.textCursor()
        cursor.insertText(code)
        self.html.setTextCursor(cursor)
        self.html.moveCursor(QTextCursor.MoveOperation.NoMove)
        self.html.setFocus()

    # -- validation ------------------------------------------------------------------------

    @Slot()
    def _schedule_preview(self) -> None:
        self.preview.set_template(
            self.subject.text(),
            self.html.toPlainText(),
            self.preview_data(),
            self.name.text(),
            "#unsubscribe",
        )
        self.validate()

    @Slot(object)
    def _template_checked(self, problem: TemplateProblem | None) -> None:
        self.preview_problem = problem
        self.validate()

    @Slot()
    def _schedule_check(self) -> None:
        self.checking = True
        self._check_generation += 1
        self._check_timer.start()

    @Slot()
    def _check_template(self) -> None:
        """Read the template in the task runner: a long template takes a
        while to parse, and typing must not wait for it."""
        generation = self._check_generation
        subject, html = self.subject.text(), self.html.toPlainText()
        submit(  # the timer may fire after the runner shut down (quitting)
            self._services.tasks,
            lambda: check_template(subject, html),
            lambda check: self._template_read(generation, check),
            lambda _exc: self._template_read(generation, None),
        )

    def _template_read(self, generation: int, check: TemplateCheck | None) -> None:
        if not alive(self) or generation != self._check_generation:
            return
        self.checking = False
        self.template_check = check
        self.validate()

    def _field_message(self, exc: Refused, level: Level) -> str:
        limit = exc.params.get("limit")
        limit = limit if isinstance(limit, int) else 0
        messages = {
            "field_empty": (
                self.tr("This field is required.")
                if level is Level.SAVE
                else self.tr("Required before the mailing can be sent.")
            ),
            "email_empty": self.tr("Enter an email address."),
            "email_invalid": self.tr("This is not a valid email address."),
            "header_injection": self.tr("Line breaks are not allowed here."),
            "field_too_long": self.tr("Too long: at most %n character(s).", "", limit),
            "html_empty": self.tr("The email body is empty."),
        }
        return messages.get(exc.code) or error_text(exc)

    def _issue_text(self, issue: TemplateIssue) -> str:
        """A template mistake in the UI language, with its line."""
        texts = {
            "tag_not_closed": self.tr(
                "the tag {% {tag} %} is not closed; add {% end{tag} %} where it ends."
            ),
            "end_without_start": self.tr("{% {tag} %} has no {% {opener} %} before it."),
            "else_outside": self.tr("{% else %} can only be used inside {% if %} or {% for %}."),
            "elif_outside": self.tr("{% elif %} can only be used inside {% if %}."),
            "else_twice": self.tr("this {% {tag} %} already has an {% else %}."),
            "elif_after_else": self.tr("{% elif %} must come before {% else %}."),
            "unknown_tag": self.tr("there is no tag {% {tag} %}."),
            "condition_missing": self.tr(
                "the tag {% {tag} %} needs a condition, for example {% {tag} contact.city %}."
            ),
            "for_incomplete": self.tr(
                "the tag {% for %} is incomplete; write it as {% for item in list %}."
            ),
            "tag_empty": self.tr("{% %} is empty; a tag such as if or for goes inside."),
            "print_empty": self.tr(
                "{{ }} is empty; put a field in it, for example {{ contact.first_name }}."
            ),
            "print_not_closed": self.tr("{{ is not closed; end it with }}."),
            "tag_not_ended": self.tr("{% is not closed; end it with %}."),
            "comment_not_closed": self.tr("the comment {# is not closed; end it with #}."),
            "raw_not_closed": self.tr("{% raw %} is not closed; add {% endraw %}."),
            "quote_not_closed": self.tr("a text in quotes is not closed; add the closing quote."),
            "out_of_place": self.tr(
                "“{token}” is out of place here; check the brackets and quotes."
            ),
            "expression_missing": self.tr("something is missing here: a field or a value."),
            "template_ends_early": self.tr(
                "the template ends in the middle of a tag; check that every {{ and {% is closed."
            ),
            "name_missing": self.tr("a field name is missing, for example after a dot."),
            "unknown_filter": self.tr("there is no filter “{name}”."),
            "unknown_test": self.tr("there is no test “{name}”."),
            "unknown_name_like": self.tr("unknown name “{name}”; did you mean “{like}”?"),
            "unknown_name": self.tr(
                "unknown name “{name}”; use contact.<field>, mailing.name or unsubscribe_url."
            ),
            "private_name": self.tr(
                "“{name}” cannot be used: names that start with “_” are not allowed."
            ),
        }
        text = texts.get(
            issue.code,
            self.tr("the template is not written correctly here; check the {{ }} and {% %}."),
        )
        return self._at_line(_put(text, **dict(issue.params)), issue.line)

    def _at_line(self, text: str, line: int | None) -> str:
        if line is None:
            return text[:1].upper() + text[1:]
        return _put(self.tr("Line {line}: {problem}"), line=str(line), problem=text)

    def _template_problems(self) -> list[EditorProblem]:
        """Errors and warnings of the template, from the latest reading."""
        check = self.template_check
        if check is None:
            return []
        found = [
            EditorProblem(_part_field(i.part), self._issue_text(i), Level.SEND)
            for i in check.issues
        ]
        if self.field_names is not None:
            for use in check.fields:
                if use.name not in self.field_names:
                    text = _put(
                        self.tr(
                            "no contact has the field “{name}”, so it will be empty in every email."
                        ),
                        name=use.name,
                    )
                    found.append(
                        EditorProblem(
                            _part_field(use.part), self._at_line(text, use.line), Level.WARNING
                        )
                    )
        problem = self.preview_problem
        current = (check.subject, check.html) == (self.subject.text(), self.html.toPlainText())
        if (
            problem is not None
            and problem.part is not None
            and current
            and not self.checking
            and not check.has_errors(problem.part)
        ):
            # It compiles, but rendering fails for this contact: the sending
            # skips such recipients, so this warns and does not block.
            text = _put(
                self.tr(
                    "the email cannot be made for the preview contact ({detail}); "
                    "such recipients are skipped when sending."
                ),
                detail=problem.message,
            )
            field = _part_field(problem.part)
            found.append(EditorProblem(field, self._at_line(text, problem.line), Level.WARNING))
        return found

    def problems(self) -> list[EditorProblem]:
        """Everything wrong now, each under its field (empty when all is well).

        The fields are judged by the same rules as the services
        (``mailings.field_problems``), so *Save* is enabled exactly when
        ``mailings.create``/``update`` would store the draft.
        """
        if not self.loaded or self.read_only:
            return []
        found = []
        for problem in mailings.field_problems(self.mailing_input()):
            level = Level.SAVE if problem.blocks_saving else Level.SEND
            found.append(
                EditorProblem(problem.field, self._field_message(problem.refusal, level), level)
            )
        follow_up = self.info is not None and self.info.follows is not None
        bulk = self.kind.currentData() == MailingKind.BULK.value
        if bulk and not follow_up and not self.chosen_folders():
            found.append(
                EditorProblem(
                    "folders",
                    self.tr("Choose at least one folder of recipients before sending."),
                    Level.SEND,
                )
            )
        subject_broken = any(p.field == "subject" and p.blocks_saving for p in found)
        found.extend(
            p for p in self._template_problems() if not (subject_broken and p.field == "subject")
        )
        return found

    def _field_names(self) -> dict[str, str]:
        return {
            "name": self.tr("Name"),
            "sender_name": self.tr("Sender name"),
            "sender_email": self.tr("Sender email"),
            "subject": self.tr("Subject"),
            "html": self.tr("HTML body"),
            "folders": self.tr("Audience"),
            "expires_at": self.tr("Expiration"),
        }

    def _summary_text(self, found: list[EditorProblem]) -> str:
        names = self._field_names()

        def fields(level: Level) -> str:
            keys = {p.field for p in found if p.level is level}
            return ", ".join(names[k] for k in FIELD_ORDER if k in keys)

        lines = []
        if blocking := fields(Level.SAVE):
            lines.append(self.tr("To save the mailing, fix: {fields}.").format(fields=blocking))
        if sending := fields(Level.SEND):
            lines.append(
                self.tr(
                    "You can save the mailing now, but it cannot be sent until you fix: {fields}."
                ).format(fields=sending)
            )
        if warned := fields(Level.WARNING):
            lines.append(
                self.tr("Warnings (they do not stop sending): {fields}.").format(fields=warned)
            )
        return "\n".join(lines)

    @Slot()
    def validate(self) -> bool:
        """Show every problem under its field; Save unless one blocks storing."""
        found = self.problems()
        for key in self.errors:
            for level_set, label in (
                ((Level.SAVE, Level.SEND), self.errors[key]),
                ((Level.WARNING,), self.warnings[key]),
            ):
                text = "\n".join(p.text for p in found if p.field == key and p.level in level_set)
                label.setText(text)
                label.setVisible(bool(text))
        summary = self._summary_text(found)
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        ok = (
            self.loaded
            and not self.read_only
            and not self._saving
            and not any(p.blocks_saving for p in found)
        )
        self.save_button.setEnabled(ok)
        if any(p.blocks_saving for p in found):
            self.save_error.hide()
        return ok

    # -- saving ------------------------------------------------------------------------------

    def mailing_input(self) -> MailingInput:
        expires_at = None
        if self.expires.isChecked():
            seconds = self.expires_at.dateTime().toSecsSinceEpoch()
            expires_at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        return MailingInput(
            name=self.name.text(),
            subject=self.subject.text(),
            sender_email=self.sender_email.text(),
            html=self.html.toPlainText(),
            kind=MailingKind(self.kind.currentData()),
            sender_name=self.sender_name.text(),
            folders=self.chosen_folders(),
            expires_at=expires_at,
        )

    @Slot()
    def save(self) -> None:
        if not self.validate():
            return
        data = self.mailing_input()
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._saving = True
        self.save_button.setEnabled(False)
        if mailing_id is None:
            self._services.tasks.run_write(
                lambda: mailings.create(ctx, data), on_success=self._saved, on_failure=self._refused
            )
        else:
            existing = mailing_id

            def update() -> int:
                mailings.update(ctx, existing, data)
                return existing

            self._services.tasks.run_write(update, on_success=self._saved, on_failure=self._refused)

    def _saved(self, mailing_id: int) -> None:
        if alive(self):
            self._saving = False
            self.mailing_id = mailing_id
            self._baseline = self._snapshot()  # nothing left to lose: no question
            self.saved.emit(mailing_id)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self._saving = False
            self.save_error.setText(error_text(exc))
            self.save_error.show()
            self.validate()

    # -- unsaved changes ------------------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        """What Save would store, to compare with what was loaded: typing a
        change and typing it back is no change."""
        bulk = self.kind.currentData() == MailingKind.BULK.value
        expires = (
            self.expires_at.dateTime().toSecsSinceEpoch() if self.expires.isChecked() else None
        )
        return (
            self.name.text(),
            self.kind.currentData(),
            self.sender_name.text(),
            self.sender_email.text(),
            self.subject.text(),
            self.html.toPlainText(),
            frozenset(self._checked_folders) if bulk else frozenset(),
            expires,
        )

    def has_changes(self) -> bool:
        """Whether closing now would lose something the user typed."""
        return (
            not self.read_only and self._baseline is not None and self._snapshot() != self._baseline
        )

    def reject(self) -> None:
        """Cancel, Esc and the window's close button all come here (Qt's
        ``QDialog.closeEvent`` calls it, and ignores the close while the
        dialog stays visible): ask before unsaved changes are lost."""
        if self.discard_box is not None:
            return  # already asking
        if not self.has_changes():
            super().reject()
            return
        if self._discard_question is None:
            self._discard_question = DiscardChangesBox(self)
            self._discard_question.finished.connect(self._discard_answered)
        self.discard_box = self._discard_question
        self.discard_box.open()

    @Slot(int)
    def _discard_answered(self, _result: int) -> None:
        box, self.discard_box = self.discard_box, None
        if box is not None and box.discarded():
            super().reject()

    # -- test email ----------------------------------------------------------------------------

    @Slot()
    def send_test(self) -> None:
        if self.mailing_id is None:
            return
        from mailapp.ui.mailings.test_email_dialog import TestEmailDialog

        dialog = TestEmailDialog(self._services, self.mailing_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
