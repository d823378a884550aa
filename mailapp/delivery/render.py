"""Personalised subject, HTML and plain text of one message from a user template.

Templates are written by marketers, so they run in Jinja2's immutable sandbox:
a template can read what it is given and nothing else (no ``__class__``
walks, no mutation of the data shared between renders).

Which mistakes are errors, and which render empty:

* An **unknown top-level name** (``{{ contcat.first_name }}``) is a typo that
  would go to every recipient, so :func:`compile_template` refuses it before
  anything is sent. The known names are ``contact``, ``mailing`` and
  ``unsubscribe_url`` (plus Jinja's own helpers such as ``range``).
* A **missing field** of a contact (``{{ contact.city }}`` when this contact
  has no city) renders empty: contacts imported from different files rarely
  share every column, and a blank is what a marketer expects. ``None`` values
  render empty for the same reason. Use ``{{ contact.city or "friend" }}`` for
  a fallback.
* Anything that fails while rendering one contact (a filter on a bad value,
  a division by zero) is a :class:`TemplateProblem` for that contact only, so
  the dispatcher can cancel that recipient and go on with the others.

Compile once with :func:`compile_template`, then call
:meth:`CompiledTemplate.render` per recipient; the Jinja code is generated
once, and rendering is thread-safe.

The plain-text part is what html2text makes of the rendered HTML, but
converting every message costs milliseconds. So the body is rendered with
each plain value (a name, a city, a link) replaced by a marker; the HTML
around the markers is the same for most contacts, so it is converted to
text once and cached, and each message only puts its values back into both
the HTML and the text. A value html2text would change (line breaks,
Markdown characters, HTML from ``|safe``…) is written into the HTML as is
instead, and the first text made from each cached conversion is checked
against converting the real HTML; a template that could transform the
markers themselves (filter blocks, macros, block assignments) is always
converted message by message.
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, NoReturn

import html2text
from jinja2 import (
    ChainableUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import escape

Part = Literal["subject", "body"]

#: Names a template may use at the top level, besides Jinja's globals.
KNOWN_NAMES = frozenset({"contact", "mailing", "unsubscribe_url"})

#: Contact fields that every contact has; custom fields never override them.
BUILTIN_FIELDS = ("first_name", "last_name", "email")

_TEMPLATE_FILENAME = "<template>"
_PART_NAMES: dict[Part, str] = {"subject": "subject", "body": "body"}


class TemplateProblem(Exception):
    """A template that cannot be compiled, or cannot be rendered for one contact.

    ``line`` is 1-based within the part (``"subject"`` or ``"body"``) when it
    is known, so the editor can point at it.
    """

    def __init__(self, message: str, line: int | None = None, part: Part | None = None) -> None:
        self.message = message
        self.line = line
        self.part = part
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.part is not None:
            where.append(f"in the {_PART_NAMES[self.part]}")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"Template error {', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


class _LenientUndefined(ChainableUndefined):
    """Missing fields render empty, even when chained (``contact.a.b``)."""

    __slots__ = ()


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, made loud: a blocked attribute is an error, not a blank.

    Jinja's sandbox turns ``''.__class__`` into an undefined value, which with
    lenient undefined values would silently print nothing; a template that
    tries this deserves an error message instead.
    """

    def unsafe_undefined(self, obj: Any, attribute: str) -> NoReturn:
        raise SecurityError(
            f"access to {attribute!r} of a {type(obj).__name__} value is not allowed"
        )


def _finalize(value: Any) -> Any:
    return "" if value is None else value


def _make_env(autoescape: bool) -> _Environment:
    return _Environment(
        autoescape=autoescape,
        undefined=_LenientUndefined,
        finalize=_finalize,
        keep_trailing_newline=False,
    )


_SUBJECT_ENV = _make_env(autoescape=False)
_BODY_ENV = _make_env(autoescape=True)

# -- markers for the plain-text part ---------------------------------------------

#: The context key of a render's markers; no template can name it.
_MARKERS_KEY = "mailapp.markers"
#: How html2text recognises a URL (``HTML2Text.absolute_url_matcher``).
_URL_SCHEME = re.compile(r"[a-zA-Z+]+://")
#: Values that html2text would not write back exactly as they are, wherever
#: they stand: empty or with edge or unusual whitespace, with characters it
#: escapes (backslash, brackets), starting with a character that changes the
#: spacing after bold or italic text, or looking like a list item.
_UNSAFE_VALUE = re.compile(
    r"""\A\Z|\A[\s\][(){}.!?+\-]|\s\Z|[^\S ]|  |[\\\[\]()]"""
    r"""|(?:\A|[&<>"'])\s*(?:\d+\.(?:\s|\Z)|[+\-])"""
)
#: Nodes whose output a template can capture and transform (``{% filter %}``,
#: macros, ``{% set %}`` blocks…): markers in it would not survive.
_CAPTURING_NODES = (
    nodes.FilterBlock,
    nodes.AssignBlock,
    nodes.Macro,
    nodes.CallBlock,
    nodes.Block,
)
#: Distinct marked HTML layouts whose text is kept per template.
_TEXT_CACHE_SIZE = 256


class _Markers:
    """The values one render replaced by markers."""

    __slots__ = ("clean", "index", "token", "values")

    def __init__(self, token: str) -> None:
        self.token = token
        self.values: list[str] = []
        self.index: dict[tuple[type, Any], int] = {}
        self.clean = True


@pass_context
def _marking_finalize(context: Context, value: Any) -> Any:
    if value is None:
        return ""
    markers: _Markers | None = context.get(_MARKERS_KEY)
    if markers is None:
        return value
    kind = type(value)
    if kind is str:
        text = value
    elif kind is int or kind is float:
        text = str(value)
    else:  # Markup and other objects go into the HTML as they are
        if markers.token in str(value):
            markers.clean = False
        return value
    if markers.token in text:
        markers.clean = False
        return value
    if _UNSAFE_VALUE.search(text) is not None:
        return value
    key = (kind, value)
    number = markers.index.get(key)
    if number is None:
        number = markers.index[key] = len(markers.values)
        markers.values.append(text)
    # A URL keeps its scheme, so html2text still sees a URL (automatic links).
    scheme = _URL_SCHEME.match(text)
    if scheme is not None:
        return f"{scheme.group()}{markers.token}{number}u"
    return f"{markers.token}{number}q"


_MARKING_ENV = _make_env(autoescape=True)
_MARKING_ENV.finalize = _marking_finalize


class _Record:
    """Dot access to fields, with no methods that could shadow a field.

    A plain dict would answer ``contact.items`` or ``contact.values`` with
    its own methods; custom columns called that way must reach the data.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data


def _contact_fields(contact: Mapping[str, Any]) -> dict[str, Any]:
    """Custom fields flattened next to the built-in ones.

    The contact may carry its custom fields in ``fields`` (as stored) or
    directly; either way ``contact.<field>`` reaches them, and a column
    named like a built-in field cannot replace the real address or name.
    """
    merged: dict[str, Any] = {}
    custom = contact.get("fields")
    if isinstance(custom, Mapping):
        merged.update(custom)
    for key, value in contact.items():
        if key != "fields" or not isinstance(value, Mapping):
            merged[key] = value
    for key in BUILTIN_FIELDS:
        value = contact.get(key)
        merged[key] = "" if value is None else value
    return merged


def _html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no hard wrapping: it breaks links
    converter.unicode_snob = True  # keep Cyrillic and typographic characters as they are
    converter.ignore_images = True
    converter.protect_links = True
    return converter.handle(html).strip() + "\n"


def _check_source(env: _Environment, source: str, part: Part) -> None:
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"syntax error: {exc.message}", exc.lineno, part) from None
    allowed = KNOWN_NAMES | set(env.globals)
    unknown = meta.find_undeclared_variables(tree) - allowed
    if unknown:
        lines = [
            node.lineno
            for node in tree.find_all(nodes.Name)
            if node.ctx == "load" and node.name in unknown
        ]
        names = ", ".join(sorted(unknown))
        raise TemplateProblem(
            f"unknown variable {names}; use contact.<field>, mailing.name or unsubscribe_url",
            min(lines) if lines else None,
            part,
        )
    for attr_node in tree.find_all(nodes.Getattr):
        if attr_node.attr.startswith("_"):
            raise TemplateProblem(
                f"attribute {attr_node.attr!r} is not allowed", attr_node.lineno, part
            )


def _template_line(tb: TracebackType | None) -> int | None:
    """The template line Jinja maps a runtime error to, if any."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _run(template: Template, context: Mapping[str, Any], part: Part) -> str:
    try:
        return template.render(context)
    except SecurityError as exc:
        raise TemplateProblem(str(exc), _template_line(exc.__traceback__), part) from exc
    except TemplateError as exc:
        raise TemplateProblem(str(exc), _template_line(exc.__traceback__), part) from exc
    except Exception as exc:  # a filter or an operation failed on this contact's data
        raise TemplateProblem(
            f"{type(exc).__name__}: {exc}", _template_line(exc.__traceback__), part
        ) from exc


class _MarkedBody:
    """The body rendered with markers, and the cached texts of its layouts."""

    __slots__ = ("_lock", "_pattern", "_texts", "template", "token")

    def __init__(self, template: Template, token: str) -> None:
        self.template = template
        self.token = token
        self._pattern = re.compile(re.escape(token) + r"(\d+)([qu])")
        self._texts: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def fill(self, marked: str, values: list[str]) -> str:
        def value(match: re.Match[str]) -> str:
            text = values[int(match.group(1))]
            if match.group(2) == "u":  # the scheme stayed in front of the marker
                return text[_URL_SCHEME.match(text).end() :]  # type: ignore[union-attr]
            return text

        return self._pattern.sub(value, marked)

    def text(self, marked: str, markers: _Markers, html: str) -> str:
        with self._lock:
            known = marked in self._texts
            layout = self._texts.get(marked)
            if known:
                self._texts.move_to_end(marked)
        if known:
            if layout is None:
                return _html_to_text(html)
            return self.fill(layout, markers.values)
        layout = _html_to_text(marked)
        text = _html_to_text(html)
        verified = self.fill(layout, markers.values) == text
        with self._lock:
            self._texts[marked] = layout if verified else None
            if len(self._texts) > _TEXT_CACHE_SIZE:
                self._texts.popitem(last=False)
        return text


class CompiledTemplate:
    """A subject and an HTML body ready to be rendered for many contacts."""

    __slots__ = ("_body", "_marked", "_subject")

    def __init__(
        self, subject: Template, body: Template, marked: _MarkedBody | None = None
    ) -> None:
        self._subject = subject
        self._body = body
        self._marked = marked

    def render(
        self, contact: Mapping[str, Any], mailing_name: str, unsubscribe_url: str
    ) -> Rendered:
        """The message of one contact, or :class:`TemplateProblem` for this contact.

        A subject that comes out with a line break is refused: it would let a
        contact's data inject headers into the message.
        """
        context = {
            "contact": _Record(_contact_fields(contact)),
            "mailing": _Record({"name": mailing_name}),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = _run(self._subject, context, "subject").strip()
        if any(ch in subject for ch in "\r\n\x00"):
            raise TemplateProblem(
                "the subject contains a line break for this contact (header injection refused)",
                None,
                "subject",
            )
        marked_body = self._marked
        if marked_body is not None:
            markers = _Markers(marked_body.token)
            marked = _run(marked_body.template, {**context, _MARKERS_KEY: markers}, "body")
            if markers.clean:
                html = marked_body.fill(marked, [str(escape(v)) for v in markers.values])
                text = marked_body.text(marked, markers, html)
                return Rendered(subject=subject, html=html, text=text)
        html = _run(self._body, context, "body")
        return Rendered(subject=subject, html=html, text=_html_to_text(html))


def _marked_body(html: str) -> _MarkedBody | None:
    """The body for rendering with markers, unless markers might not survive it."""
    tree = _MARKING_ENV.parse(html)
    if any(True for _ in tree.find_all(_CAPTURING_NODES)):
        return None
    if any(node.recursive for node in tree.find_all(nodes.For)):
        return None
    while True:
        token = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
        if token not in html:
            break
    return _MarkedBody(_MARKING_ENV.from_string(html), token)


def compile_template(subject: str, html: str) -> CompiledTemplate:
    """Check and compile a mailing's template; :class:`TemplateProblem` if it is wrong."""
    if any(ch in subject for ch in "\r\n\x00"):
        raise TemplateProblem("the subject must be a single line", None, "subject")
    _check_source(_SUBJECT_ENV, subject, "subject")
    _check_source(_BODY_ENV, html, "body")
    return CompiledTemplate(
        _SUBJECT_ENV.from_string(subject), _BODY_ENV.from_string(html), _marked_body(html)
    )
