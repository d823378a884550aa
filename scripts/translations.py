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
import ast
import copy
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


Key = tuple[str, str]


def _messages(path: Path) -> dict[Key, ET.Element]:
    """(context, source) → message element of a ``.ts`` file."""
    if not path.exists():
        return {}
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def _keep_plurals(path: Path, before: dict[Key, ET.Element], alive: set[Key]) -> None:
    """Put back the plural forms lupdate did not recognise.

    Some lupdate versions skip texts with a count given as
    ``translate(context, text, None, n)``, losing their translated plural
    forms; those the code still has get their previous entry back.
    """
    tree = ET.parse(path)
    root = tree.getroot()
    contexts = {c.findtext("name"): c for c in root.iter("context")}
    changed = False
    for (context_name, source), old in before.items():
        if old.get("numerus") != "yes" or (context_name, source) not in alive:
            continue
        context = contexts.get(context_name)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = context_name
            contexts[context_name] = context
        current = next((m for m in context.iter("message") if m.findtext("source") == source), None)
        if current is not None and current.get("numerus") == "yes":
            continue
        restored = copy.deepcopy(old)
        if current is None:
            context.append(restored)
        else:
            index = list(context).index(current)
            context.remove(current)
            context.insert(index, restored)
        changed = True
    if changed:
        ET.indent(tree, space="    ")
        body = ET.tostring(root, encoding="unicode")
        path.write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
            encoding="utf-8",
        )


def _string_constants(sources: list[str]) -> set[str]:
    """Every string literal of the sources, adjacent literals joined."""
    found = set()
    for source in sources:
        tree = ast.parse((ROOT / source).read_text(encoding="utf-8"))
        found.update(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    return found


def update() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))
    alive: set[Key] = set()
    for language in LANGUAGES:  # Russian first: it lists every message
        path = OUT / f"mailapp_{language}.ts"
        before = _messages(path)
        args = [tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "relative"]
        args += ["-source-language", "en", "-target-language", language]
        args += ["-ts", str(path.relative_to(ROOT))]
        if language == "en":
            args.insert(1, "-pluralonly")
        subprocess.run(args, check=True, cwd=ROOT)
        if not alive:
            # What lupdate found, and plural texts it skipped but the code
            # still has.
            texts = _string_constants(sources)
            alive = set(_messages(path)) | {key for key in before if key[1] in texts}
        _keep_plurals(path, before, alive)


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
