"""Update and compile the window's translations.

    python scripts/translations.py           # lupdate + lrelease
    python scripts/translations.py --check   # fail when a Russian text is missing

``pyside6-lupdate`` collects every ``tr()`` / ``QCoreApplication.translate()``
string of ``mailapp/ui`` into ``resources/translations/mailapp_<lang>.ts``
(keeping the translations already there); ``pyside6-lrelease`` compiles them
to the ``.qm`` files the application loads. English is the source language;
``mailapp_en.ts`` holds only the plural forms ("1 recipient", "2 recipients").
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "mailapp" / "ui"
OUT = ROOT / "resources" / "translations"
LANGUAGES = ("ru", "en")


def tool(name: str) -> str:
    """The PySide6 tool next to this Python (the project's venv), else on PATH."""
    candidate = Path(sys.executable).with_name(name)
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def update() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p.relative_to(ROOT)) for p in SOURCES.glob("*.py"))
    for language in LANGUAGES:
        ts = str((OUT / f"mailapp_{language}.ts").relative_to(ROOT))
        args = [tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "relative"]
        args += ["-source-language", "en", "-target-language", language, "-ts", ts]
        if language == "en":
            args.insert(1, "-pluralonly")
        subprocess.run(args, check=True, cwd=ROOT)


def release() -> None:
    for language in LANGUAGES:
        ts = OUT / f"mailapp_{language}.ts"
        qm = OUT / f"mailapp_{language}.qm"
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, cwd=ROOT)


def missing(language: str = "ru") -> list[str]:
    """Source texts without a finished translation."""
    tree = ET.parse(OUT / f"mailapp_{language}.ts")
    gaps = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            unfinished = translation is None or translation.get("type") == "unfinished"
            empty = translation is None or not (
                (translation.text or "").strip()
                or any((f.text or "").strip() for f in translation.iter("numerusform"))
            )
            if unfinished or empty:
                gaps.append(f"{name}: {message.findtext('source')}")
    return gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report untranslated texts")
    args = parser.parse_args()
    update()
    release()
    if args.check:
        gaps = missing()
        for gap in gaps:
            print("untranslated:", gap)
        return 1 if gaps else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
