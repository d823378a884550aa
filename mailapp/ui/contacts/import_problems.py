"""The rows an import refuses, skips or changes, told in the UI language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from mailapp.services import csv_import
from mailapp.services.csv_import import EMAIL_MAX, RowProblem

#: Errors listed on the summary and result pages; the rest are counted.
SHOWN_ERRORS = 50


def problem_text(problem: RowProblem) -> str:
    """One refused, skipped or changed row in the UI language. The reason an
    address is invalid is email_validator's own (English) explanation, as
    in the refusals of the other forms."""
    line = problem.line
    if problem.code == csv_import.NO_EMAIL:
        text = QCoreApplication.translate(
            "import_wizard", "Line {line}: no email address. The row is not imported."
        )
    elif problem.code == csv_import.EMAIL_TOO_LONG:
        text = QCoreApplication.translate(
            "import_wizard",
            "Line {line}: the address is longer than {limit} characters. The row is not imported.",
        )
    elif problem.code == csv_import.EMAIL_LINE_BREAK:
        text = QCoreApplication.translate(
            "import_wizard",
            "Line {line}: “{address}” contains a line break or a control character. "
            "The row is not imported.",
        )
    elif problem.code == csv_import.EMAIL_INVALID:
        text = QCoreApplication.translate(
            "import_wizard",
            "Line {line}: “{address}” is not a valid email address: {reason} "
            "The row is not imported.",
        )
    elif problem.code == csv_import.DUPLICATE:
        text = QCoreApplication.translate(
            "import_wizard", "Line {line}: {address} repeats line {first}; the row is skipped."
        )
    else:
        text = QCoreApplication.translate(
            "import_wizard",
            "Line {line}: line breaks or extra length were removed from the name of {address}.",
        )
    return text.format(
        line=line,
        limit=EMAIL_MAX,
        address=problem.email,
        reason=problem.reason,
        first=problem.first_line,
    )


def problems_text(problems: tuple[RowProblem, ...], more: int) -> str:
    """The first :data:`SHOWN_ERRORS` problems, one a line, and how many more."""
    lines = [problem_text(p) for p in problems[:SHOWN_ERRORS]]
    hidden = len(problems) - len(lines) + more
    if hidden > 0:
        lines.append(
            QCoreApplication.translate(
                "import_wizard", "More rows with problems, not listed here: {n}"
            ).format(n=QLocale().toString(hidden))
        )
    return "\n".join(lines)
