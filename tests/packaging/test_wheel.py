"""The wheel carries the whole application: installed (not editable) into a
fresh virtual environment and run from another folder, it speaks Russian,
shows its icon and finds its migrations and samples."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import mailapp
from mailapp import assets
from tests.packaging.packhelp import ROOT, run, wait_gone

pytestmark = pytest.mark.packaging


def test_the_wheel_holds_translations_icons_samples_migrations_and_desktop_files(
    wheel: Path,
) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {
        "mailapp/resources/translations/mailapp_en.qm",
        "mailapp/resources/translations/mailapp_ru.qm",
        "mailapp/resources/icons/mailapp.svg",
        "mailapp/resources/samples/contacts.csv",
        f"mailapp/packaging/{assets.APP_ID}.desktop",
        f"mailapp/packaging/{assets.APP_ID}.metainfo.xml",
        "mailapp/migrations/env.py",
        "mailapp/migrations/script.py.mako",
        *(f"mailapp/resources/icons/{s}x{s}/{assets.APP_ID}.png" for s in assets.ICON_SIZES),
        *(
            f"mailapp/migrations/versions/{p.name}"
            for p in (ROOT / "mailapp" / "migrations" / "versions").glob("*.py")
        ),
        # Every module of the package, the ui's page folders included.
        *(
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / "mailapp").rglob("*.py")
            if "__pycache__" not in p.parts
        ),
    }
    assert expected <= names, sorted(expected - names)
    # Sources stay out: the translations' .ts files, the bundle's recipe.
    assert not [n for n in names if n.endswith((".ts", ".spec"))]


def test_installed_it_shows_the_window_in_russian_from_another_folder(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    db_url = f"sqlite:///{folder / 'mailapp.sqlite3'}"
    mailapp_cmd = str(installed / "mailapp")
    version = run([mailapp_cmd, "--version"], folder, env)
    assert version.stdout.strip() == f"mailapp {mailapp.__version__}"
    language = run([mailapp_cmd, "--db", db_url, "settings", "set", "Language", "ru"], folder, env)
    assert language.returncode == 0, language.stderr
    probe = shutil.copy(ROOT / "tests" / "packaging" / "probe_window.py", folder)

    shown = run([str(installed / "python"), probe, db_url], folder, env, timeout=120)

    assert shown.returncode == 0, shown.stderr
    seen = json.loads(shown.stdout.splitlines()[-1])
    venv = installed.parent
    assert Path(seen["package"]).is_relative_to(venv), seen["package"]
    assert Path(seen["translations"]).is_relative_to(venv)
    assert seen["language"] == "ru"
    assert seen["visible"]
    assert seen["title"] == "Рассылки — mailapp"
    assert seen["start_buttons"] == ["Начать отправку"]
    assert seen["icon_sizes"] == list(assets.ICON_SIZES)
    # The window's worker ran from the same environment and ended with it.
    assert seen["worker_pid"] is not None
    assert wait_gone(seen["worker_pid"], timeout=30)
    assert "the window is closed" in (folder.parent / "data" / "logs" / "worker.log").read_text()


def test_installed_it_imports_its_own_sample_contacts(
    installed: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    folder, env = elsewhere
    python = str(installed / "python")
    sample = run(
        [python, "-c", "from mailapp import assets; print(assets.sample_contacts())"], folder, env
    ).stdout.strip()
    assert Path(sample).is_relative_to(installed.parent)

    imported = run(
        [str(installed / "mailapp"), "contacts", "import", sample, "--json"], folder, env
    )

    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == 20
