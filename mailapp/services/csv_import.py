"""Reading contact CSV files: header and rows.

No database here: this module turns a file into clean, validated rows and
refuses files that cannot be trusted as a whole, so that
:func:`mailapp.services.contact_import.import_csv` only has to store them.
How the file is written (size, encoding, delimiter) is decided first, by
:mod:`mailapp.services.csv_layout`. The rules are the ones a marketer
expects from a spreadsheet export:

* **Header.** Required. Header names are matched case-insensitively with the
  byte order mark and surrounding spaces removed; ``email`` (also ``e-mail``)
  is required, ``first_name`` and ``last_name`` (also ``First name``,
  ``firstname``...) are known. Every other column becomes a custom field whose
  key is the header turned into a template identifier: lower case, runs of
  anything but letters, digits and ``_`` become ``_`` ("Order date" →
  ``order_date``, "Город" → ``город``), a leading digit gets ``f_``, a
  template keyword gets a trailing ``_``. Columns with an empty header are
  ignored. Two headers that end up as the same key refuse the file.
* **Rows.** Blank lines are skipped. A row with fewer values than the header
  has the missing ones empty; a row with more *non-empty* values than the
  header refuses the whole file (a wrong delimiter or an unquoted comma would
  otherwise shift data into the wrong columns silently). A quote that is never
  closed refuses the whole file.
* **Addresses.** A row without an address, or with an address that
  :func:`mailapp.models.validation.require_email` would refuse, is a *refused
  row*: it is not imported, it is counted as invalid and reported with its
  line number and the reason (:class:`RowProblem`). Storing it would only
  put a contact in the list that no mailing can ever reach, and that the
  marketer cannot fix in the window either, because the contact editor
  refuses the same address. The same address again later in the file
  (case-insensitive) is skipped: the first row wins. A refused row claims
  no address, so its repetition is refused again rather than called a
  duplicate of a row that was never stored.
* **Names** never carry line breaks or control characters into a mail header:
  they are replaced by a space and the row is reported. Names are cut to
  200 characters. Custom field values are kept exactly as given.
"""

from __future__ import annotations

import csv
import json
import keyword
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from mailapp.models.states import Refused
from mailapp.services.csv_layout import check_size, detect_encoding, sniff_delimiter

#: At most this many problem lines are listed in a report; the rest are counted.
MAX_ERRORS = 1000
#: Rows handed to the database (and progress reported) in chunks of this size.
CHUNK_ROWS = 10_000
#: Column sizes of the contacts table.
EMAIL_MAX = 320
NAME_MAX = 200
#: The largest single cell; a runaway quote hits this instead of eating memory.
CELL_MAX = 1 << 20

KNOWN_COLUMNS = ("email", "first_name", "last_name")
_ALIASES = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "first_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
}
_JINJA_WORDS = frozenset(
    {"true", "false", "none", "and", "or", "not", "in", "is", "if", "else", "for"}
    | {"block", "endblock", "loop", "self", "super", "caller", "varargs", "kwargs"}
)
_NON_WORD = re.compile(r"[^\w]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_CONTROL_RUNS = re.compile(r"\s*[\x00-\x1f\x7f\u2028\u2029]+\s*")
_json_string: Callable[[str], str] = json.encoder.encode_basestring

# The common case of an address, decided without email_validator: an ASCII
# local part of dot-atom characters (no leading, trailing or double dot,
# checked apart because a regular expression for it backtracks) and an ASCII
# domain that email_validator itself accepts (cached per domain), so special
# use domains and label rules agree with email_status(). Anything else goes
# to email_validator.
_FAST_EMAIL = re.compile(r"([A-Za-z0-9_+'=.-]+)@([A-Za-z0-9.-]+)\Z")
_EMAIL_MAX_LENGTH = 254


class _ImportStop(Exception):
    """Internal: a whole-file problem found while reading rows."""


@dataclass(frozen=True)
class CsvPreview:
    """The first rows of a file as the import wizard shows them."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str
    delimiter: str
    #: What each column becomes without a mapping: ``email``,
    #: ``first_name``, ``last_name``, a custom field key or ``""`` (ignored).
    targets: tuple[str, ...] = ()


#: The columns of a row ready to store, in the order of :data:`CleanRow`:
#: ``fields`` is the JSON of every custom field, ``patch`` the JSON of the
#: non-empty ones only, so an empty cell never erases a stored value on
#: re-import.
ROW_COLUMNS = ("line", "key", "email", "status", "first_name", "last_name", "fields", "patch")
CleanRow = tuple[int, str, str, str, str, str, str, str]


#: The kinds of :class:`RowProblem`.
NO_EMAIL = "no_email"
EMAIL_TOO_LONG = "email_too_long"
EMAIL_INVALID = "email_invalid"
EMAIL_LINE_BREAK = "email_line_break"
DUPLICATE = "duplicate"
NAME_CLEANED = "name_cleaned"
#: The kinds of problem whose row is not imported (counted as invalid).
REFUSED = frozenset({NO_EMAIL, EMAIL_TOO_LONG, EMAIL_INVALID, EMAIL_LINE_BREAK})


@dataclass(frozen=True)
class RowProblem:
    """One row that was refused, skipped or changed, with its line number.

    Kept as a code with values rather than a sentence so the window can say
    it in the UI language; :meth:`message` is the English sentence the
    command line prints (and ``--json`` lists under ``errors``). ``reason``
    is email_validator's explanation of an invalid address.
    """

    line: int
    code: str
    email: str = ""
    reason: str = ""
    #: For a duplicate: the line of the row that won.
    first_line: int = 0

    @property
    def refused(self) -> bool:
        """True when the row was not imported because of its address."""
        return self.code in REFUSED

    def message(self) -> str:
        line = f"Line {self.line}: "
        if self.code == NO_EMAIL:
            return line + "no email address; the row was skipped"
        if self.code == EMAIL_TOO_LONG:
            return line + f"the address is longer than {EMAIL_MAX} characters; the row was skipped"
        if self.code == EMAIL_LINE_BREAK:
            return (
                line + f"{self.email!r} is not a valid address (it contains a line break "
                "or a control character); the row was skipped"
            )
        if self.code == EMAIL_INVALID:
            return (
                line + f"{self.email!r} is not a valid address ({self.reason}); the row was skipped"
            )
        if self.code == DUPLICATE:
            return line + f"{self.email} repeats line {self.first_line}; the row was skipped"
        return line + f"line breaks or extra length removed from the name of {self.email}"


@dataclass
class ReadStats:
    """What reading the file found besides the rows to store.

    ``invalid`` counts the refused rows (no address or an invalid one),
    ``duplicates`` the repeated addresses; ``problems`` lists at most
    :data:`MAX_ERRORS` of the rows concerned, ``more_problems`` counts the rest.
    """

    rows: int = 0
    invalid: int = 0
    duplicates: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    more_problems: int = 0

    def problem(self, problem: RowProblem) -> None:
        if len(self.problems) < MAX_ERRORS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    def refuse(self, problem: RowProblem) -> None:
        """A row not imported because of its address."""
        self.invalid += 1
        self.problem(problem)

    def error_list(self) -> list[str]:
        """The English sentences of the problems (the command line's ``errors``)."""
        errors = [p.message() for p in self.problems]
        if self.more_problems:
            errors.append(f"... and {self.more_problems} more problems")
        return errors


def field_key(header: str) -> str:
    """The template identifier for a column header ("" for an empty header)."""
    text = header.replace("\ufeff", "").strip().lower()
    key = _NON_WORD.sub("_", text).strip("_")
    if not key:
        return ""
    if key[0].isdigit():
        key = "f_" + key
    if not key.isidentifier():
        key = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in key)
        if not key.isidentifier():
            key = "f_" + key
    if key in _JINJA_WORDS or keyword.iskeyword(key):
        key += "_"
    return key


def column_target(header: str) -> str:
    """``email``, ``first_name``, ``last_name`` or the custom field key."""
    key = field_key(header)
    return _ALIASES.get(key, key)


@lru_cache(maxsize=65536)
def _domain_ok(domain: str) -> bool:
    """Whether email_validator accepts the domain; cached because a list has
    far fewer domains than addresses."""
    try:
        validate_email("a@" + domain.lower(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def classify_email(text: str) -> tuple[str, str, str]:
    """``(status, stored address, key)`` of a non-empty trimmed address.

    Agrees with :func:`mailapp.models.validation.email_status`: the regular
    expression only ever says "valid" for addresses email_validator accepts,
    and everything it does not recognise goes to email_validator itself.
    """
    match = _FAST_EMAIL.match(text)
    if (
        match is not None
        and len(text) <= _EMAIL_MAX_LENGTH
        and text[0] != "."
        and ".." not in text
        and ".@" not in text
        and _domain_ok(match[2])
    ):
        stored = match[1] + "@" + match[2].lower()
        return "valid", stored, stored.lower()
    try:
        normalized = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return "invalid", text, text.lower()
    return "valid", normalized, normalized.lower()


def invalid_reason(text: str) -> str:
    """Why email_validator refuses ``text`` (its own words), for the report of
    a refused row; called only for the rare invalid rows."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return "not accepted"


def clean_name(value: str) -> tuple[str, bool]:
    """The name without line breaks or control characters, cut to size;
    the flag tells whether anything had to be changed."""
    changed = False
    if _CONTROL.search(value):
        value = _CONTROL_RUNS.sub(" ", value)
        changed = True
    value = value.strip()
    if len(value) > NAME_MAX:
        value = value[:NAME_MAX].rstrip()
        changed = True
    return value, changed


# ---------------------------------------------------------------------------
# The file as a whole


def _header_targets(header: list[str], mapping: dict[str, str] | None) -> list[str]:
    """What each column becomes; refuses files without an email column."""
    wanted: dict[str, str] = {}
    for source, target in (mapping or {}).items():
        normalized = field_key(target) if target else ""
        wanted[source.replace("\ufeff", "").strip().lower()] = _ALIASES.get(normalized, normalized)
    targets: list[str] = []
    seen: dict[str, str] = {}
    for name in header:
        clean = name.replace("\ufeff", "").strip()
        target = wanted[clean.lower()] if clean.lower() in wanted else column_target(clean)
        if target:
            if target in seen:
                raise Refused(
                    "import_duplicate_column",
                    f"The columns {seen[target]!r} and {clean!r} both mean {target!r}; "
                    "rename or remove one of them",
                    column=target,
                    first=seen[target],
                    second=clean,
                )
            seen[target] = clean
        targets.append(target)
    if "email" not in targets:
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
        raise Refused(
            "import_no_email_column",
            f"The file has no 'email' column (columns found: {found}); "
            "the first line must be a header naming the columns",
            columns=tuple(h.strip() for h in header if h.strip()),
        )
    return targets


def preview_csv(path: str | Path, rows: int = 20) -> CsvPreview:
    """The header and first rows, for the wizard to show before importing."""
    path = Path(path)
    check_size(path)
    layout = detect_encoding(path, None)
    delimiter = sniff_delimiter(path, layout.encoding)
    result: list[tuple[str, ...]] = []
    columns: tuple[str, ...] = ()
    with path.open(encoding=layout.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if not columns:
                    columns = tuple(c.replace("\ufeff", "").strip() for c in record)
                    continue
                result.append(tuple(record))
                if len(result) >= rows:
                    break
        except csv.Error as exc:
            raise _broken(reader.line_num, exc) from None
    if not columns:
        raise Refused("import_empty", "The file has no header row", problem="no_header")
    return CsvPreview(
        columns=columns,
        rows=tuple(result),
        encoding=layout.encoding,
        delimiter=delimiter,
        targets=tuple(column_target(c) for c in columns),
    )


def _broken(line: int, exc: csv.Error) -> Refused:
    text = str(exc)
    if "field larger" in text or "end of data" in text or "expected after" in text:
        reason = "a quote is not closed or is followed by other characters"
    else:
        reason = text
    return Refused(
        "import_broken_quoting",
        f"Line {line}: the file cannot be read as CSV ({reason}); nothing was imported",
        line=line,
        reason=reason,
        unclosed_quote=reason != text,
    )


class CsvSource:
    """A checked file whose rows can be read once, in chunks."""

    def __init__(
        self,
        path: str | Path,
        *,
        mapping: dict[str, str] | None = None,
        encoding: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.size = check_size(self.path)
        layout = detect_encoding(self.path, encoding)
        self.encoding = layout.encoding
        self.lines = layout.lines
        self.delimiter = sniff_delimiter(self.path, self.encoding)
        self.mapping = mapping
        self.stats = ReadStats()

    def chunks(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[CleanRow]]:
        """Clean rows in chunks; raises :class:`Refused` for whole-file errors.

        ``progress(done, total)`` gets the physical lines read so far and the
        number of lines in the file.
        """
        csv.field_size_limit(CELL_MAX)
        stats = self.stats
        total = max(self.lines - 1, 1)
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            try:
                header = next((r for r in reader if any(c.strip() for c in r)), None)
                if header is None:
                    raise Refused("import_empty", "The file has no header row", problem="no_header")
                targets = _header_targets(header, self.mapping)
                yield from self._rows(reader, targets, progress, cancel)
            except csv.Error as exc:
                raise _broken(reader.line_num, exc) from None
            except UnicodeError:
                raise Refused(
                    "import_encoding",
                    f"The file is not valid {self.encoding} text",
                    encoding=self.encoding,
                ) from None
        if stats.rows == 0:
            raise Refused("import_no_rows", "The file has a header but no contacts")
        if progress is not None:
            progress(total, total)

    def _rows(
        self,
        reader: Any,
        targets: list[str],
        progress: Callable[[int, int], None] | None,
        cancel: threading.Event | None,
    ) -> Iterator[list[CleanRow]]:
        """The hot loop: a million rows pass here, so it keeps to local names,
        a regular expression per address and hand-built JSON."""
        stats = self.stats
        total = max(self.lines - 1, 1)
        width = len(targets)
        email_at = targets.index("email")
        first_at = targets.index("first_name") if "first_name" in targets else -1
        last_at = targets.index("last_name") if "last_name" in targets else -1
        custom = [(i, t) for i, t in enumerate(targets) if t and t not in KNOWN_COLUMNS]
        custom_at = [i for i, _ in custom]
        # '{"city":%s,"plan":%s}' filled with JSON strings: one format per row.
        template = (
            "{" + ",".join(_json_string(t).replace("%", "%%") + ":%s" for _, t in custom) + "}"
        )
        fast = _FAST_EMAIL.match
        domain_ok = _domain_ok
        control = _CONTROL.search
        quote = _json_string
        seen: dict[str, int] = {}
        chunk: list[CleanRow] = []
        rows = 0
        end = reader.line_num
        for record in reader:
            # Report the line a record starts on (a quoted cell may span lines).
            line: int = end + 1
            end = reader.line_num
            if len(record) != width:
                if len(record) > width:
                    if any(c.strip() for c in record[width:]):
                        raise Refused(
                            "import_extra_values",
                            f"Line {line} has {len(record)} values but "
                            f"the header has {width} columns; check the delimiter "
                            "and the quotes. Nothing was imported",
                            line=line,
                            values=len(record),
                            columns=width,
                        )
                    record = record[:width]
                else:
                    record = record + [""] * (width - len(record))
            text: str = record[email_at].strip()
            if not text:
                if not any(c.strip() for c in record):
                    continue
                rows += 1
                stats.refuse(RowProblem(line, NO_EMAIL))
                continue
            rows += 1
            match = fast(text)
            if (
                match is not None
                and len(text) <= _EMAIL_MAX_LENGTH
                and text[0] != "."
                and ".." not in text
                and ".@" not in text
                and domain_ok(match[2])
            ):
                status = "valid"
                key = text.lower()
                domain = match[2]
                email = text if domain.islower() else match[1] + "@" + domain.lower()
            elif len(text) > EMAIL_MAX:
                stats.refuse(RowProblem(line, EMAIL_TOO_LONG))
                continue
            elif control(text):
                # Never shown with its line breaks (a terminal, a log line).
                stats.refuse(RowProblem(line, EMAIL_LINE_BREAK, _CONTROL_RUNS.sub(" ", text)))
                continue
            else:
                status, email, key = classify_email(text)
                if status == "invalid":
                    stats.refuse(RowProblem(line, EMAIL_INVALID, text, invalid_reason(text)))
                    continue
            first_line = seen.get(key)
            if first_line is not None:
                stats.duplicates += 1
                stats.problem(RowProblem(line, DUPLICATE, email, first_line=first_line))
                continue
            seen[key] = line
            first = record[first_at].strip() if first_at >= 0 else ""
            last = record[last_at].strip() if last_at >= 0 else ""
            if len(first) > NAME_MAX or len(last) > NAME_MAX or control(first) or control(last):
                first = clean_name(first)[0]
                last = clean_name(last)[0]
                stats.problem(RowProblem(line, NAME_CLEANED, email))
            if custom_at:
                values = [record[i] for i in custom_at]
                fields = template % tuple(map(quote, values))
                if all(values):
                    patch = fields
                else:
                    patch = json.dumps(
                        {t: v for (_, t), v in zip(custom, values, strict=True) if v},
                        ensure_ascii=False,
                    )
            else:
                fields = patch = "{}"
            chunk.append((line, key, email, status, first, last, fields, patch))
            if len(chunk) >= CHUNK_ROWS:
                stats.rows = rows
                if cancel is not None and cancel.is_set():
                    raise cancelled()
                if progress is not None:
                    progress(min(end - 1, total), total)
                yield chunk
                chunk = []
        stats.rows = rows
        if chunk:
            yield chunk


def cancelled() -> Refused:
    return Refused("import_cancelled", "The import was cancelled; nothing was changed")
