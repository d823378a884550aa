"""The bounce mailbox's refusals in the UI language: a mailbox that cannot be
reached or read, a setting that cannot carry it, files that hold no mail."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication


def _mailbox_error(problem: object) -> str:
    texts: dict[str, Callable[[], str]] = {
        "certificate": lambda: QCoreApplication.translate(
            "refusals",
            "The mail server's certificate cannot be trusted ({detail}); "
            "the password was not sent.",
        ),
        "tls": lambda: QCoreApplication.translate(
            "refusals", "The secure connection to the mail server failed: {detail}."
        ),
        "connect": lambda: QCoreApplication.translate(
            "refusals", "Cannot connect to the mail server: {detail}."
        ),
        "login": lambda: QCoreApplication.translate(
            "refusals", "The mail server refused the user name or the password."
        ),
        "folder": lambda: QCoreApplication.translate(
            "refusals", "The bounce mailbox has no folder “{detail}”."
        ),
        "move": lambda: QCoreApplication.translate(
            "refusals",
            "The mail server cannot move messages (neither MOVE nor UIDPLUS); "
            "mailapp deletes nothing, so it cannot read this mailbox.",
        ),
    }
    text = texts.get(str(problem))
    if text is not None:
        return text()
    return QCoreApplication.translate("refusals", "The mail server answered: {detail}")


def _files(problem: object) -> str:
    if problem == "not_maildir":
        return QCoreApplication.translate(
            "refusals", "The folder {path} is no Maildir: it needs cur, new and tmp inside."
        )
    if problem == "unreadable":
        return QCoreApplication.translate("refusals", "{path} cannot be read.")
    return QCoreApplication.translate("refusals", "There is no file or folder {path}.")


def bounce_templates(p: Mapping[str, object]) -> dict[str, Callable[[], str]]:
    return {
        "bounce_mailbox_not_set": lambda: QCoreApplication.translate(
            "refusals", "Enter the bounce mailbox first."
        ),
        "bounce_password_missing": lambda: QCoreApplication.translate(
            "refusals", "No password is saved for {user} at {host}: enter it."
        ),
        "bounce_mailbox_error": lambda: _mailbox_error(p.get("problem")),
        "bounce_files": lambda: _files(p.get("problem")),
        "setting_bounce_mailbox": lambda: QCoreApplication.translate(
            "refusals",
            "{setting} “{value}” is not a mailbox link: write imaps://USER@HOST/FOLDER "
            "or imap://USER@HOST/FOLDER, without the password.",
        ),
        "setting_bounce_address": lambda: QCoreApplication.translate(
            "refusals",
            "{setting} must be a plain Latin address without “+”, at most %n character(s) "
            "before the @.",
            None,
            int(str(p.get("limit", 0))),
        ),
        "keyring": lambda: QCoreApplication.translate(
            "refusals", "The system keyring cannot be used: {detail}"
        ),
    }
