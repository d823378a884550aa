"""The desktop entry and the AppStream metainfo of packaging/ pass the
freedesktop validators and agree with the application: its id, its icon,
its screenshots in English and Russian."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET

from mailapp import assets
from tests.packaging.packhelp import ROOT
from tests.support.freedesktop import appstream_validate, desktop_file_validate

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_the_desktop_entry_is_valid_and_names_the_icon_and_the_command() -> None:
    desktop_file_validate(assets.desktop_file())
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(assets.desktop_file(), encoding="utf-8")
    section = entry["Desktop Entry"]

    assert section["Icon"] == assets.APP_ID
    assert section["Exec"] == "mailapp"
    assert section["Comment[ru]"]
    assert section["StartupWMClass"] == "mailapp"


def test_the_metainfo_is_valid_in_english_and_russian_with_real_screenshots() -> None:
    appstream_validate(assets.metainfo_file())
    root = ET.parse(assets.metainfo_file()).getroot()

    assert root.findtext("id") == assets.APP_ID
    assert root.findtext("launchable") == f"{assets.APP_ID}.desktop"
    assert {s.get(XML_LANG) for s in root.iter("summary")} == {None, "ru"}
    paragraphs = root.find("description").findall("p")  # type: ignore[union-attr]
    assert [p.get(XML_LANG) for p in paragraphs].count("ru") == len(paragraphs) // 2
    shots = root.find("screenshots").findall("screenshot")  # type: ignore[union-attr]
    assert shots[0].get("type") == "default"
    for shot in shots:
        images = {i.get(XML_LANG): i.text or "" for i in shot.findall("image")}
        captions = {c.get(XML_LANG) for c in shot.findall("caption")}
        assert set(images) == captions == {None, "ru"}
        # Each picture is one of docs/screenshots, in its language.
        for lang, url in images.items():
            name = url.rsplit("/", 1)[1]
            assert name.endswith(f".{lang or 'en'}.png")
            assert (ROOT / "docs" / "screenshots" / name).is_file(), name


def test_packaging_is_where_the_package_finds_it() -> None:
    """The installed copies are the files of packaging/ themselves (the
    editable install maps the folder), so there is one of each."""
    assert assets.desktop_file() == ROOT / "packaging" / f"{assets.APP_ID}.desktop"
    assert assets.translations_dir() == ROOT / "resources" / "translations"
