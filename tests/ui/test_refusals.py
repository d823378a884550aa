"""Every refusal the window can meet reads in the UI language.

The refusals are found in the source itself: each ``Refused(code, message,
**params)`` of the application (the command line excepted: it speaks English
and its refusals never reach the window) must have a sentence in
:mod:`mailapp.ui.common.refusals`, that sentence must format with the values the
refusal carries, and the Russian one must be a translation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

import mailapp
from mailapp.models import Refused
from mailapp.ui.common.refusals import known_codes, refused_message

PACKAGE = Path(mailapp.__file__).resolve().parent
#: The command line prints the English message; the window never shows it.
ENGLISH_ONLY = (PACKAGE / "cli",)

#: A value for each parameter a refusal may carry (constants in the call win).
SAMPLES: dict[str, object] = {
    "state": "completed",
    "response": "sent",
    "field": "Sender email",
    "value": "abc",
    "reason": "it has no @-sign",
    "limit": 300,
    "setting": "SmtpPort",
    "minimum": 1,
    "maximum": 65535,
    "choices": ("sandbox", "smtp"),
    "known": ("sent", "hard_bounce"),
    "seconds": 5,
    "step": 3,
    "source": 2,
    "via": "wait",
    "steps": (1, 2, 1),
    "mailing_id": 7,
    "mailing": "Spring sale",
    "minimum_seconds": 1,
    "maximum_days": 366,
    "id": 12,
    "ids": [4, 5],
    "email": "anna@example.com",
    "name": "Email",
    "folder": "Clients",
    "file": "clients.csv",
    "problem": "missing",
    "limit_mb": 512,
    "exit_code": -9,
    "encoding": "cp1251",
    "column": "email",
    "first": "E-mail",
    "second": "Email address",
    "columns": ("name", "phone"),
    "line": 14,
    "unclosed_quote": False,
    "values": 6,
    "total": 25,
    "error": "unexpected end of template",
    "part": "body",
    "time": "start",
    "action": "start",
    "path": "/home/anna/mail.pem",
    "bits": 768,
    "detail": "connection refused",
    "user": "bounces@example.com",
    "host": "imap.example.com",
}


@dataclass(frozen=True)
class Site:
    where: str
    code: str
    params: dict[str, object]
    interpolates: bool

    def refusal(self) -> Refused:
        return Refused(self.code, "English text", **self.params)


def _interpolates(node: ast.expr) -> bool:
    """True when the English message is built from values (an f-string or a join)."""
    return not isinstance(node, ast.Constant)


def _sites() -> Iterator[Site]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(folder in path.parents for folder in ENGLISH_ONLY):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused"):
                continue
            code_node, message_node = node.args[:2]
            assert isinstance(code_node, ast.Constant), f"{path.name}:{node.lineno}"
            params: dict[str, object] = {}
            for keyword in node.keywords:
                assert keyword.arg is not None, f"{path.name}:{node.lineno}: no **params"
                if isinstance(keyword.value, ast.Constant):
                    params[keyword.arg] = keyword.value.value
                else:
                    assert keyword.arg in SAMPLES, f"{path.name}:{node.lineno}: {keyword.arg}"
                    params[keyword.arg] = SAMPLES[keyword.arg]
            yield Site(
                f"{path.relative_to(PACKAGE.parent)}:{node.lineno}",
                str(code_node.value),
                params,
                _interpolates(message_node),
            )


SITES = list(_sites())


def test_the_source_has_refusals() -> None:
    assert len(SITES) > 80
    assert len({site.code for site in SITES}) > 60


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.code}@{s.where}")
def test_every_refusal_carries_what_its_message_names(site: Site) -> None:
    if site.interpolates:
        assert site.params, f"{site.where}: the message names values the window cannot see"


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.code}@{s.where}")
def test_every_refusal_has_a_sentence(qapp: object, site: Site) -> None:
    assert site.code in known_codes()
    english = refused_message(site.refusal())
    assert english != "English text"
    assert "{" not in english and "}" not in english, english
    assert "?" not in english, f"{site.where}: a value the sentence names is missing: {english}"


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.code}@{s.where}")
def test_every_refusal_reads_in_russian(site: Site, russian: None) -> None:
    text = refused_message(site.refusal())
    assert "{" not in text and "?" not in text, text
    assert any("а" <= ch.lower() <= "я" for ch in text), text
    assert text != "English text"


def test_russian_differs_from_english(qapp: object) -> None:
    english = {site.where: refused_message(site.refusal()) for site in SITES}
    from mailapp.ui.common.i18n import Translations

    translations = Translations()
    translations.apply("ru")
    try:
        for site in SITES:
            russian = refused_message(site.refusal())
            assert russian != english[site.where], site.where
    finally:
        translations.apply("en")
        for translator in translations._installed:
            QCoreApplication.instance().removeTranslator(translator)


def test_an_unknown_code_keeps_its_english_message(qapp: object) -> None:
    assert refused_message(Refused("no_such_code", "As it was")) == "As it was"


def test_missing_values_do_not_break_the_sentence(qapp: object) -> None:
    for code in known_codes():
        assert refused_message(Refused(code, "fallback"))


def test_plural_forms(russian: None) -> None:
    text = refused_message(
        Refused("field_too_long", "Subject is longer than 998 characters", field="Subject", limit=2)
    )
    assert text == "Поле «Тема» длиннее 2 символов."


# --- from the services to the window -------------------------------------------------


def test_a_bad_sender_address_in_russian(russian: None) -> None:
    from mailapp.services import mailings
    from mailapp.services.mailings import MailingInput

    data = MailingInput(name="News", subject="Hi", sender_email="not-an-address", html="<p>x</p>")
    with pytest.raises(Refused) as caught:
        mailings.validate(data)
    assert caught.value.code == "email_invalid"
    text = refused_message(caught.value)
    assert "Адрес отправителя" in text and "not-an-address" in text
    assert "Sender email" in caught.value.message  # the command line keeps English


def test_a_file_without_an_email_column_in_russian(
    russian: None, ctx: object, tmp_path: Path
) -> None:
    from mailapp.services import contact_import

    path = tmp_path / "people.csv"
    path.write_text("name,phone\nAnna,123\n", encoding="utf-8")
    with pytest.raises(Refused) as caught:
        contact_import.import_csv(ctx, path)  # type: ignore[arg-type]
    assert caught.value.code == "import_no_email_column"
    assert refused_message(caught.value) == (
        "В файле нет столбца «email» (найдены столбцы: «name», «phone»); "
        "первая строка должна быть заголовком с названиями столбцов."
    )


def test_a_bad_setting_in_russian(russian: None, ctx: object) -> None:
    from mailapp.services import settings

    with pytest.raises(Refused) as caught:
        settings.set_value(ctx, "SmtpPort", "many")  # type: ignore[arg-type]
    assert caught.value.message == "SmtpPort takes a whole number, not 'many'"
    assert refused_message(caught.value) == "«Порт SMTP»: нужно целое число, а не «many»."
    with pytest.raises(Refused) as caught:
        settings.set_value(ctx, "SmtpPort", "70000")  # type: ignore[arg-type]
    assert refused_message(caught.value) == "«Порт SMTP»: значение должно быть не больше 65535."


#: Variants a call site chooses with a value it computes.
VARIANTS = [
    ("flow_target", {"step": 4, "via": "transition", "source": 1}),
    ("template_error", {"error": "unknown tag", "part": "subject", "line": None}),
    ("template_error", {"error": "unknown tag", "part": None, "line": 2}),
    ("template_error", {"error": "unknown tag", "part": None, "line": None}),
    ("import_broken_quoting", {"line": 3, "reason": "x", "unclosed_quote": True}),
    ("contact_unknown", {"ids": list(range(1, 15))}),
    ("import_no_email_column", {"columns": ()}),
]


@pytest.mark.parametrize(("code", "params"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_variants_read_in_russian(code: str, params: dict[str, object], qapp: object) -> None:
    english = refused_message(Refused(code, "English text", **params))
    from mailapp.ui.common.i18n import Translations

    translations = Translations()
    translations.apply("ru")
    try:
        russian = refused_message(Refused(code, "English text", **params))
    finally:
        translations.apply("en")
        for translator in translations._installed:
            QCoreApplication.instance().removeTranslator(translator)
    assert "{" not in russian and "?" not in english and english != russian
