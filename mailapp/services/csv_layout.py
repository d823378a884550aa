"""How a contact CSV file is written: its size, encoding and delimiter.

Decided before a single row is read, for the wizard's preview and for the
import alike (:mod:`mailapp.services.csv_import` reads the rows). The rules
are the ones a marketer expects from a spreadsheet export:

* **Size.** A missing or empty file, a folder, or one larger than
  :data:`MAX_FILE_BYTES` is refused before it is opened.
* **Encoding.** UTF-8, with or without a byte order mark; UTF-16 when the file
  starts with its byte order mark (Excel's "Unicode text"). A file that is not
  valid UTF-8 is read as Windows-1251 (the usual Russian Excel export) when
  every byte decodes and no control characters appear; anything else is
  refused with "the file is not UTF-8 text" rather than imported as garbage.
  Files with NUL bytes (spreadsheets, archives, images) are refused as not text.
* **Delimiter.** Comma, semicolon or tab, whichever splits the header and the
  first rows into the most consistent columns.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from mailapp.models.states import Refused

#: The largest file accepted; far above any real contact export (a million
#: rows is about 50 MB) but small enough to refuse a wrong file early.
MAX_FILE_BYTES = 1 << 30

_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Layout:
    encoding: str
    delimiter: str
    lines: int


def check_size(path: Path) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Refused(
            "import_no_file",
            f"The file {path.name!r} does not exist",
            file=path.name,
            problem="missing",
        ) from None
    except OSError as exc:
        raise Refused(
            "import_unreadable",
            f"Cannot read {path.name!r}: {exc.strerror}",
            file=path.name,
            reason=exc.strerror,
        ) from None
    if not path.is_file():
        raise Refused(
            "import_no_file", f"{path.name!r} is not a file", file=path.name, problem="not_a_file"
        )
    if size == 0:
        raise Refused("import_empty", "The file is empty", problem="empty")
    if size > MAX_FILE_BYTES:
        raise Refused(
            "import_too_large",
            f"The file is larger than {MAX_FILE_BYTES // (1 << 20)} MB; split it into parts",
            limit_mb=MAX_FILE_BYTES // (1 << 20),
        )
    return size


def _not_text(head: bytes) -> Refused:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return Refused(
            "import_not_text",
            "This looks like an Excel workbook, not a CSV file; save it as CSV (UTF-8) first",
            problem="excel",
        )
    return Refused(
        "import_not_text", "The file is not a text file (CSV expected)", problem="binary"
    )


def detect_encoding(path: Path, encoding: str | None) -> Layout:
    """Decide the encoding by reading the whole file once, counting lines."""
    with path.open("rb") as raw:
        head = raw.read(4)
        raw.seek(0)
        if encoding is None:
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                encoding = "utf-16"
        lines = 0
        if encoding == "utf-16":
            # Line counting on UTF-16 bytes would be wrong; count while decoding.
            try:
                with path.open(encoding="utf-16", newline="") as text:
                    for piece in iter(lambda: text.read(1 << 20), ""):
                        if "\x00" in piece:
                            raise _not_text(head)
                        lines += piece.count("\n")
            except UnicodeError:
                raise Refused(
                    "import_encoding", "The file is not valid UTF-16 text", encoding="UTF-16"
                ) from None
            return Layout("utf-16", "", lines + 1)
        candidates = [encoding] if encoding else ["utf-8", "cp1251"]
        for candidate in candidates:
            raw.seek(0)
            lines = 0
            last = b""
            try:
                decoder = codecs.getincrementaldecoder(candidate)()
                for chunk in iter(lambda: raw.read(1 << 20), b""):
                    if b"\x00" in chunk:
                        raise _not_text(head)
                    if candidate == "cp1251" and _BAD_BYTES.search(chunk):
                        raise UnicodeError("control characters")
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
                decoder.decode(b"", final=True)
            except (UnicodeError, LookupError):
                continue
            if last not in (b"\n", b""):
                lines += 1
            return Layout(candidate, "", lines)
    if encoding:
        raise Refused(
            "import_encoding", f"The file is not valid {encoding} text", encoding=encoding
        )
    raise Refused(
        "import_encoding",
        "The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8",
    )


def sniff_delimiter(path: Path, encoding: str) -> str:
    """The delimiter that splits the first lines into the steadiest columns."""
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    if "\n" in sample[:-1]:
        # Drop a possibly cut last line.
        sample = sample[: sample.rstrip("\r\n").rfind("\n") + 1] or sample
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(sample.splitlines(), delimiter=delimiter) if r][:20]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        steady = sum(1 for r in rows if len(r) == width)
        score = (steady if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
