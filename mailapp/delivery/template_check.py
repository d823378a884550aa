"""Every mistake of a mailing's template, in a marketer's terms, and the
contact fields it reads.

``compile_template`` says whether a template may be sent, but it stops at the
first mistake and speaks Jinja ("Expected an expression, got 'end of
statement block'"). The editor wants every mistake, in a marketer's words,
at the line where it is, and the Start confirmation wants the fields a
template reads: this reads the template's tokens and tree itself.
``compile_template`` stays the judge: a part it accepts has no error here,
and a part it refuses always has at least one. Each issue is a code with
parameters; the window turns it into a sentence in its language.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mailapp.delivery.render import (
    BUILTIN_FIELDS,
    KNOWN_NAMES,
    Part,
    TemplateProblem,
    compile_template,
)

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


def _contact_fields(tree: nodes.Template) -> dict[str, int]:
    """Every ``contact.city`` and ``contact["city"]`` the tree reads, with
    the first line of each."""
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
        if not name.startswith("_"):
            first[name] = min(first.get(name, node.lineno), node.lineno)
    return first


def _field_uses(tree: nodes.Template, part: Part) -> list[FieldUse]:
    """The custom fields read (every contact has the built-in ones)."""
    return [
        FieldUse(part, name, line)
        for name, line in sorted(_contact_fields(tree).items())
        if name not in BUILTIN_FIELDS
    ]


@dataclass(frozen=True)
class TemplateReads:
    """What a template takes from each recipient, for the Start confirmation."""

    #: Contact fields read by the subject or the body, built-in ones
    #: included (a contact may have no first name), sorted.
    fields: tuple[str, ...]
    #: Whether the body puts ``unsubscribe_url`` anywhere.
    unsubscribe_link: bool


def template_reads(subject: str, html: str) -> TemplateReads:
    """The fields and the unsubscribe link of a template; a part that does
    not parse reads nothing (Start refuses it anyway)."""
    fields: set[str] = set()
    link = False
    for part, source in (("subject", subject), ("body", html)):
        try:
            tree = _LEXER.parse(source)
        except TemplateSyntaxError:
            continue
        fields.update(_contact_fields(tree))
        if part == "body":
            link = any(n.name == "unsubscribe_url" for n in tree.find_all(nodes.Name))
    return TemplateReads(tuple(sorted(fields)), link)
