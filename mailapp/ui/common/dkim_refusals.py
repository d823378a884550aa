"""DKIM's refusals in the UI language: a key file that cannot be used, a name
that is not a DNS name, a key that exists already (``problem`` of
:class:`mailapp.delivery.dkim.DkimError`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication


def _sentence(problem: object) -> str:
    texts: dict[str, Callable[[], str]] = {
        "name": lambda: QCoreApplication.translate(
            "refusals",
            "“{value}” is not a valid DNS name (letters, digits and hyphens, "
            "in parts separated by dots).",
        ),
        "missing": lambda: QCoreApplication.translate(
            "refusals", "The DKIM key file {path} does not exist."
        ),
        "unreadable": lambda: QCoreApplication.translate(
            "refusals", "The DKIM key file {path} cannot be read: {reason}."
        ),
        "not_pem": lambda: QCoreApplication.translate(
            "refusals", "The file {path} does not hold a private key in PEM format."
        ),
        "password": lambda: QCoreApplication.translate(
            "refusals",
            "The DKIM key in {path} is protected by a password; store it without one.",
        ),
        "not_rsa": lambda: QCoreApplication.translate(
            "refusals", "The DKIM key in {path} is not an RSA key."
        ),
        "too_small": lambda: QCoreApplication.translate(
            "refusals",
            "The DKIM key in {path} has {bits} bits; at least {minimum} are needed.",
        ),
        "exists": lambda: QCoreApplication.translate(
            "refusals",
            "A DKIM key for this selector exists already ({path}); choose another selector.",
        ),
        "no_selector": lambda: QCoreApplication.translate(
            "refusals", "DKIM has a domain but no selector."
        ),
        "no_key_file": lambda: QCoreApplication.translate(
            "refusals", "DKIM has a domain but no key file."
        ),
    }
    text = texts.get(str(problem))
    return text() if text is not None else "{error}"


def dkim_templates(p: Mapping[str, object]) -> dict[str, Callable[[], str]]:
    """The templates of the codes ``dkim`` and ``setting_dkim``."""
    return {
        "dkim": lambda: _sentence(p.get("problem")),
        # The setting's code, as the command line names it, then the sentence.
        "setting_dkim": lambda: "{setting}: " + _sentence(p.get("problem")),
    }
