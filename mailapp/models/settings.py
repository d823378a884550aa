"""System settings: their codes, defaults and the rules for their values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mailapp.delivery.mailbox_url import MailboxUrlError, parse_mailbox_url
from mailapp.models.states import Refused
from mailapp.models.validation import require_email

if TYPE_CHECKING:
    from mailapp.delivery.dkim import DkimError

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class SettingDef:
    code: str
    kind: str  # "int", "bool", "choice", "str"
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    #: A further rule for a new "str" value: given the definition and the raw
    #: text (already free of line breaks), the value to store, or Refused.
    check: Callable[[SettingDef, str], str] | None = None

    def parse(self, raw: str) -> Any:
        """The typed value of a new ``raw``; :class:`Refused` when it does not fit."""
        value = self.from_storage(raw)
        if self.check is not None:
            return self.check(self, raw)
        return value

    def from_storage(self, raw: str) -> Any:
        """The typed value of a stored ``raw``: its type is checked, not :attr:`check`.

        A database written before a rule existed (an UnsubscribeUrl of
        "unsubscribe me" from before links were checked) must still open:
        the settings window, the command line and the worker read every
        setting. Such a value still reaches the code that uses it, which
        refuses it there with the reason (the builder: every message), and
        the user sees it in the settings and can replace it.
        """
        text = raw.strip()
        if self.kind == "int":
            try:
                value = int(text)
            except ValueError:
                raise Refused(
                    "setting_not_int",
                    f"{self.code} takes a whole number, not {raw!r}",
                    setting=self.code,
                    value=raw,
                ) from None
            if self.minimum is not None and value < self.minimum:
                raise Refused(
                    "setting_too_small",
                    f"{self.code} must be at least {self.minimum}",
                    setting=self.code,
                    minimum=self.minimum,
                )
            if self.maximum is not None and value > self.maximum:
                raise Refused(
                    "setting_too_large",
                    f"{self.code} must be at most {self.maximum}",
                    setting=self.code,
                    maximum=self.maximum,
                )
            return value
        if self.kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise Refused(
                "setting_not_bool",
                f"{self.code} takes true or false, not {raw!r}",
                setting=self.code,
                value=raw,
            )
        if self.kind == "choice":
            if text not in self.choices:
                raise Refused(
                    "setting_choice",
                    f"{self.code} takes one of {', '.join(self.choices)}, not {raw!r}",
                    setting=self.code,
                    value=raw,
                    choices=self.choices,
                )
            return text
        if any(ch in text for ch in "\r\n\x00"):
            raise Refused(
                "setting_control", f"{self.code} cannot contain line breaks", setting=self.code
            )
        return text

    def format(self, value: Any) -> str:
        if self.kind == "bool":
            return "true" if value else "false"
        return str(value)


def _unsubscribe_url(definition: SettingDef, raw: str) -> str:
    """A link the message builder puts into ``List-Unsubscribe``, or empty for none.

    The rule is the builder's own (:func:`check_unsubscribe_url`): a link the
    setting took but the builder refused would fail every message of every
    mailing, long after the user typed it.
    """
    # Imported when the link is set, as the DKIM checks below: every command
    # and every start of the window reads the settings.
    from mailapp.delivery.message import (
        MAX_UNSUBSCRIBE_URL,
        UnsubscribeLinkError,
        check_unsubscribe_url,
    )

    try:
        return check_unsubscribe_url(raw)
    except UnsubscribeLinkError as exc:
        raise Refused(
            "setting_unsubscribe_url",
            f"{definition.code}: {exc}; leave it empty for no link",
            setting=definition.code,
            value=raw,
            problem=exc.problem,
            limit=MAX_UNSUBSCRIBE_URL,
        ) from None


def _dkim_refusal(definition: SettingDef, raw: str, exc: DkimError) -> Refused:
    return Refused(
        "setting_dkim",
        f"{definition.code}: {exc}",
        setting=definition.code,
        value=raw,
        problem=exc.problem,
        path=exc.params.get("path", ""),
        reason=exc.params.get("reason", ""),
        bits=exc.params.get("bits", 0),
        minimum=exc.params.get("minimum", 0),
    )


def _dkim_name(definition: SettingDef, raw: str) -> str:
    """DkimDomain and DkimSelector: DNS names (lower case, IDNA), or empty for none."""
    if not raw.strip():
        return ""
    # Imported when a DKIM setting is set: every command and every start of
    # the window reads the settings, and the signer's imports are heavy.
    from mailapp.delivery.dkim import DkimError, check_domain, check_selector

    check = check_domain if definition.code == "DkimDomain" else check_selector
    try:
        return check(raw)
    except DkimError as exc:
        raise _dkim_refusal(definition, raw, exc) from None


def _dkim_key_file(definition: SettingDef, raw: str) -> str:
    """A file that holds an RSA private key the signer can use, or empty.

    Checked when it is set, so that a wrong path or a public key is refused
    at once rather than putting the next mailing in error.
    """
    from mailapp.delivery.dkim import DkimError, load_key

    path = raw.strip()
    if path:
        try:
            load_key(path)
        except DkimError as exc:
            raise _dkim_refusal(definition, raw, exc) from None
    return path


def _bounce_mailbox(definition: SettingDef, raw: str) -> str:
    """An IMAP link :func:`parse_mailbox_url` understands, or empty for none."""
    if not raw.strip():
        return ""
    try:
        return str(parse_mailbox_url(raw))
    except MailboxUrlError as exc:
        raise Refused(
            "setting_bounce_mailbox",
            f"{definition.code}: {exc}",
            setting=definition.code,
            value=raw,
        ) from None


def _envelope_address(definition: SettingDef, raw: str) -> str:
    """An ASCII address without ``+`` whose VERP form fits a local part, or empty.

    ``+TOKEN`` must still fit the 64 characters of a local part (RFC 5321
    §4.5.3.1.1). The token module is read only here: it loads the cipher.
    """
    if not raw.strip():
        return ""
    from mailapp.delivery.tokens import TOKEN_LENGTH

    limit = 64 - 1 - TOKEN_LENGTH
    address = require_email(raw, definition.code)
    local = address.rpartition("@")[0]
    if not address.isascii() or "+" in local or len(local) > limit:
        raise Refused(
            "setting_bounce_address",
            f"{definition.code} must be a plain ASCII address without '+', at most "
            f"{limit} characters before the @ (it becomes LOCAL+TOKEN@DOMAIN), not {raw!r}",
            setting=definition.code,
            value=raw,
            limit=limit,
        )
    return address


def _mailto(definition: SettingDef, raw: str) -> str:
    """``UnsubscribeMailbox``: an address, with or without ``mailto:``; stored bare."""
    text = raw.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if not text:
        return ""
    return require_email(text, definition.code)


#: The width of the sending log's actor column.
MAX_USER_NAME = 200


def _user_name(definition: SettingDef, raw: str) -> str:
    """A name that fits the sending log's actor column."""
    text = raw.strip()
    if len(text) > MAX_USER_NAME:
        raise Refused(
            "setting_too_long",
            f"{definition.code} is longer than {MAX_USER_NAME} characters",
            setting=definition.code,
            limit=MAX_USER_NAME,
        )
    return text


SETTINGS: dict[str, SettingDef] = {
    d.code: d
    for d in (
        SettingDef(
            "MandrillMailingDelayInSeconds",
            "int",
            10,
            "Delay before sending starts, seconds",
            minimum=0,
            maximum=86400,
        ),
        SettingDef(
            "PreventDuplicatesSending",
            "bool",
            True,
            "Send one email per address; later duplicates are cancelled",
        ),
        SettingDef("Provider", "choice", "sandbox", "Mail provider", choices=("sandbox", "smtp")),
        SettingDef("SmtpHost", "str", "", "SMTP server host"),
        SettingDef("SmtpPort", "int", 587, "SMTP server port", minimum=1, maximum=65535),
        SettingDef(
            "SmtpSecurity",
            "choice",
            "starttls",
            "SMTP connection security",
            choices=("none", "starttls", "tls"),
        ),
        SettingDef("SmtpUser", "str", "", "SMTP user name"),
        SettingDef(
            "SendRatePerSecond",
            "int",
            0,
            "At most this many messages a second (0 = no limit)",
            minimum=0,
            maximum=100000,
        ),
        SettingDef("SmtpConnections", "int", 4, "Parallel SMTP connections", minimum=1, maximum=64),
        SettingDef(
            "SandboxRatePerSecond",
            "int",
            20,
            "How many messages a second the built-in sandbox accepts (0 = as fast as it can)",
            minimum=0,
            maximum=100000,
        ),
        SettingDef(
            "MaxSendErrors",
            "int",
            50,
            "Consecutive provider errors before the mailing goes to Sending error",
            minimum=1,
            maximum=100000,
        ),
        SettingDef(
            "SoftBounceRetries",
            "int",
            3,
            "Retries of a temporary failure before it counts as a soft bounce",
            minimum=0,
            maximum=20,
        ),
        SettingDef(
            "RetryDelaySeconds",
            "int",
            30,
            "First wait before retrying a temporary failure, doubled each time",
            minimum=0,
            maximum=86400,
        ),
        SettingDef(
            "UnsubscribeUrl",
            "str",
            "",
            "Unsubscribe link template for List-Unsubscribe and {{ unsubscribe_url }} "
            "({token} becomes the recipient's signed token, {email} the address)",
            check=_unsubscribe_url,
        ),
        SettingDef(
            "DkimDomain",
            "str",
            "",
            "DKIM: the domain that signs every message (empty: no signature)",
            check=_dkim_name,
        ),
        SettingDef("DkimSelector", "str", "", "DKIM: the selector of the key", check=_dkim_name),
        SettingDef(
            "DkimKeyFile",
            "str",
            "",
            "DKIM: the file of the RSA private key (PEM)",
            check=_dkim_key_file,
        ),
        SettingDef(
            "UserName",
            "str",
            "",
            "Your name in the sending log (empty: the computer's user@host)",
            check=_user_name,
        ),
        SettingDef(
            "UnsubscribeMailbox",
            "str",
            "",
            "Address for unsubscribe requests by mail, read from the bounce mailbox",
            check=_mailto,
        ),
        SettingDef(
            "BounceMailbox",
            "str",
            "",
            "Mailbox of bounce reports: imap://USER@HOST:PORT/FOLDER or imaps://…",
            check=_bounce_mailbox,
        ),
        SettingDef(
            "BounceAddress",
            "str",
            "",
            "Envelope sender for VERP (bounces@domain becomes bounces+TOKEN@domain)",
            check=_envelope_address,
        ),
        SettingDef(
            "BouncePollSeconds",
            "int",
            300,
            "How often the worker reads the bounce mailbox, seconds",
            minimum=30,
            maximum=86400,
        ),
        SettingDef(
            "Language", "choice", "system", "Interface language", choices=("system", "en", "ru")
        ),
    )
}


def setting_def(code: str) -> SettingDef:
    try:
        return SETTINGS[code]
    except KeyError:
        raise Refused(
            "setting_unknown",
            f"Unknown setting {code!r}; known settings: {', '.join(SETTINGS)}",
            setting=code,
            known=tuple(SETTINGS),
        ) from None
