"""System settings: their codes, defaults and the rules for their values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mailapp.models.states import Refused

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

    def parse(self, raw: str) -> Any:
        """The typed value of ``raw``; :class:`Refused` when it does not fit."""
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
            "Unsubscribe link template for List-Unsubscribe ({email} is replaced)",
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
