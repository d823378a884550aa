"""``mailapp desktop-entry --install|--uninstall``: the files it puts into
the user's data folder, as the validators and a desktop read them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mailapp import assets
from tests.support.freedesktop import appstream_validate, desktop_file_validate

APP = assets.APP_ID


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def installed(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file())


def exec_line(desktop: Path) -> str:
    return next(
        line.removeprefix("Exec=")
        for line in desktop.read_text(encoding="utf-8").splitlines()
        if line.startswith("Exec=")
    )


def test_install_puts_the_entry_icons_and_metainfo_where_desktops_look(cli, data_home) -> None:
    result = cli("desktop-entry", "--install")

    assert result.code == 0, result.err
    desktop = data_home / "applications" / f"{APP}.desktop"
    assert f"Installed the desktop entry {desktop}" in result.out
    icons = data_home / "icons" / "hicolor"
    expected = {
        desktop,
        data_home / "metainfo" / f"{APP}.metainfo.xml",
        icons / "scalable" / "apps" / f"{APP}.svg",
        *(icons / f"{s}x{s}" / "apps" / f"{APP}.png" for s in assets.ICON_SIZES),
    }
    assert set(installed(data_home)) == expected
    png = icons / "48x48" / "apps" / f"{APP}.png"
    assert png.read_bytes() == assets.icon_png(48).read_bytes()
    # The entry runs this environment's own mailapp, which the menu's PATH
    # may not have (a pipx or virtual environment).
    assert exec_line(desktop) == str(Path(sys.executable).with_name("mailapp"))
    desktop_file_validate(desktop)
    appstream_validate(data_home / "metainfo" / f"{APP}.metainfo.xml")


def test_exec_quotes_a_path_with_spaces_and_dollars(cli, data_home, tmp_path, monkeypatch) -> None:
    bin_dir = tmp_path / "my apps" / "$HOME 100%"
    bin_dir.mkdir(parents=True)
    (bin_dir / "mailapp").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))

    assert cli("desktop-entry", "--install").code == 0

    desktop = data_home / "applications" / f"{APP}.desktop"
    # Quoted, "$" escaped, the backslash doubled by the string escape, "%" doubled.
    assert exec_line(desktop) == f'"{tmp_path}/my apps/\\\\$HOME 100%%/mailapp"'
    desktop_file_validate(desktop)


def test_uninstall_removes_what_install_put_there_and_nothing_else(cli, data_home) -> None:
    other = data_home / "applications" / "other.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    assert cli("desktop-entry", "--install").code == 0

    result = cli("desktop-entry", "--uninstall")

    assert result.code == 0, result.err
    assert f"{len(assets.ICON_SIZES) + 3} files" in result.out
    assert installed(data_home) == [other]


def test_uninstall_of_nothing_says_so(cli, data_home) -> None:
    result = cli("desktop-entry", "--uninstall")

    assert result.code == 0
    assert "No desktop entry of mailapp is installed" in result.out
    assert not data_home.exists() or installed(data_home) == []


def test_a_data_folder_that_cannot_take_it_is_refused_and_left_unchanged(cli, data_home) -> None:
    data_home.mkdir()
    # Written last; even root cannot write into a file.
    (data_home / "metainfo").write_text("not a folder")

    result = cli("desktop-entry", "--install")

    assert result.code == 1
    assert result.err.startswith("mailapp: ")
    assert "metainfo" in result.err
    # The entry and icons written before the failure were taken back, and
    # the folders made for them.
    assert sorted(data_home.iterdir()) == [data_home / "metainfo"]


def test_another_system_is_refused(cli, data_home, monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")

    result = cli("desktop-entry", "--install")

    assert result.code == 1
    assert "freedesktop desktops" in result.err
    assert not data_home.exists()


def test_install_or_uninstall_must_be_said(cli, data_home) -> None:
    assert cli("desktop-entry").code == 2
    assert cli("desktop-entry", "--install", "--uninstall").code == 2
