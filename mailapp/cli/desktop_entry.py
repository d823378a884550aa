"""Put mailapp into the desktop's menu, for ``mailapp desktop-entry``: the
freedesktop desktop entry, the icon in every size and the AppStream
metainfo, in the user's data folders (``$XDG_DATA_HOME``, usually
``~/.local/share``). Only the command line does this, so its refusals
speak English as the command line's do.

The entry's ``Exec`` names the program that installs it: the bundle's own
executable, or the ``mailapp`` command of the environment it runs in (a
pipx or virtual environment that is not on the menu's ``PATH``). Files are
written beside their targets first and renamed into place only when all of
them could be written, so a failed install leaves nothing behind (not even
the folders it made).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from mailapp import assets
from mailapp.models import Refused


@dataclass(frozen=True)
class Entry:
    """What an install wrote or an uninstall removed."""

    desktop_file: Path
    command: str
    files: tuple[Path, ...]


def data_home() -> Path:
    """The user's freedesktop data folder (``$XDG_DATA_HOME``)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise Refused(
            "desktop_entry_unsupported",
            "Desktop entries are for freedesktop desktops (Linux and the BSDs); "
            f"this system is {sys.platform}",
        )
    return user_data_path()


def _quote(argument: str) -> str:
    """One argument of ``Exec`` as the Desktop Entry Specification quotes it."""
    argument = argument.replace("%", "%%")  # a literal %, not a field code
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if argument and not reserved & set(argument):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """How the menu starts the program that runs this code."""
    if getattr(sys, "frozen", False):  # the bundle's executable
        return [sys.executable]
    script = Path(sys.executable).with_name("mailapp")
    if script.is_file():
        return [str(script)]
    found = shutil.which("mailapp")
    if found:
        return [found]
    return [sys.executable, "-m", "mailapp"]


def _targets(home: Path) -> dict[Path, Path | None]:
    """Installed path → packaged source (None for the desktop entry, which
    is written with its ``Exec`` line)."""
    apps = assets.APP_ID
    targets: dict[Path, Path | None] = {home / "applications" / f"{apps}.desktop": None}
    icons = home / "icons" / "hicolor"
    for size in assets.ICON_SIZES:
        targets[icons / f"{size}x{size}" / "apps" / f"{apps}.png"] = assets.icon_png(size)
    targets[icons / "scalable" / "apps" / f"{apps}.svg"] = assets.icon_svg()
    targets[home / "metainfo" / f"{apps}.metainfo.xml"] = assets.metainfo_file()
    return targets


def _desktop_text(command: list[str]) -> str:
    # The string escape (a backslash doubled) applies on top of the quoting.
    exec_line = "Exec=" + " ".join(_quote(part) for part in command).replace("\\", "\\\\")
    lines = assets.desktop_file().read_text(encoding="utf-8").splitlines()
    return "\n".join(exec_line if line.startswith("Exec=") else line for line in lines) + "\n"


def install(home: Path | None = None) -> Entry:
    """Install the entry, the icons and the metainfo; replaces an older
    install (say, of another copy of mailapp)."""
    home = home or data_home()
    command = launch_command()
    targets = _targets(home)
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    try:
        for target, source in targets.items():
            missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            made.extend(missing)
            temporary = target.with_name(f".{target.name}.new")
            staged.append((temporary, target))
            if source is None:
                temporary.write_text(_desktop_text(command), encoding="utf-8")
            else:
                shutil.copyfile(source, temporary)
    except BaseException:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        for folder in sorted(made, key=lambda d: len(d.parts), reverse=True):
            folder.rmdir()
        raise
    for temporary, target in staged:
        temporary.replace(target)
    return Entry(next(iter(targets)), " ".join(command), tuple(targets))


def uninstall(home: Path | None = None) -> Entry:
    """Remove what :func:`install` put there; files that are not there are
    skipped, so uninstalling twice is harmless."""
    home = home or data_home()
    targets = _targets(home)
    removed = []
    for target in targets:
        if target.exists():
            target.unlink()
            removed.append(target)
    return Entry(next(iter(targets)), "", tuple(removed))
