"""Refusals in the UI language.

A :class:`~mailapp.models.Refused` carries an English message (the command
line prints it) and a code with the values it names. The window builds its
own sentence from the code and those values, so every refusal reads in the
UI language; an unknown code falls back to the English message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication

from mailapp.models import MailingState, Refused, Response
from mailapp.models.campaigns import CampaignState
from mailapp.ui.common.bounce_refusals import bounce_templates
from mailapp.ui.common.campaign_refusals import campaign_templates
from mailapp.ui.common.dkim_refusals import dkim_templates
from mailapp.ui.common.labels import campaign_state_name, response_name, state_name
from mailapp.ui.common.values import as_int


class _Params(dict[str, object]):
    """Values for ``str.format_map``: a missing one shows as ``?``."""

    def __missing__(self, key: str) -> str:
        return "?"


def _items(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [] if value is None else [str(value)]
    return [str(v) for v in value]


def field_name(name: object) -> str:
    """A form field named in a refusal (``"Sender email"``) in the UI language."""
    names = {
        "Email": QCoreApplication.translate("refusals", "Email"),
        "Sender email": QCoreApplication.translate("refusals", "Sender email"),
        "Sender name": QCoreApplication.translate("refusals", "Sender name"),
        "Test address": QCoreApplication.translate("refusals", "Test address"),
        "Name": QCoreApplication.translate("refusals", "Name"),
        "Subject": QCoreApplication.translate("refusals", "Subject"),
        "Folder name": QCoreApplication.translate("refusals", "Folder name"),
        "First name": QCoreApplication.translate("refusals", "First name"),
        "Last name": QCoreApplication.translate("refusals", "Last name"),
    }
    return names.get(str(name), str(name))


def setting_name(code: object) -> str:
    """A system setting named by its code, as the settings window calls it."""
    names = {
        "MandrillMailingDelayInSeconds": QCoreApplication.translate(
            "refusals", "Delay before sending starts"
        ),
        "PreventDuplicatesSending": QCoreApplication.translate("refusals", "One email per address"),
        "Provider": QCoreApplication.translate("refusals", "Mail provider"),
        "SmtpHost": QCoreApplication.translate("refusals", "SMTP server"),
        "SmtpPort": QCoreApplication.translate("refusals", "SMTP port"),
        "SmtpSecurity": QCoreApplication.translate("refusals", "SMTP security"),
        "SmtpUser": QCoreApplication.translate("refusals", "SMTP user name"),
        "SendRatePerSecond": QCoreApplication.translate("refusals", "Emails a second"),
        "SmtpConnections": QCoreApplication.translate("refusals", "Parallel connections"),
        "MaxSendErrors": QCoreApplication.translate(
            "refusals", "Errors in a row before “Sending error”"
        ),
        "SoftBounceRetries": QCoreApplication.translate(
            "refusals", "Retries of a temporary failure"
        ),
        "RetryDelaySeconds": QCoreApplication.translate("refusals", "First wait before a retry"),
        "UnsubscribeUrl": QCoreApplication.translate("refusals", "Unsubscribe link"),
        "Language": QCoreApplication.translate("refusals", "Interface language"),
        "UserName": QCoreApplication.translate("refusals", "Your name in the log"),
    }
    return names.get(str(code), str(code))


def _mailing_state(value: object) -> str:
    return state_name(MailingState(value)) if value in set(MailingState) else str(value)


def _campaign_state(value: object) -> str:
    return campaign_state_name(CampaignState(value)) if value in set(CampaignState) else str(value)


def _response(value: object) -> str:
    return response_name(Response(value)) if value in set(Response) else str(value)


def _quoted(values: Iterable[str]) -> str:
    quote = QCoreApplication.translate("refusals", "“{value}”", "a name in a list")
    return ", ".join(quote.format(value=v) for v in values)


def _step(number: object) -> str:
    return QCoreApplication.translate("refusals", "step {n}").format(n=number)


def _ids(value: object) -> str:
    ids = _items(value)
    shown = ", ".join(ids[:10])
    if len(ids) > 10:
        shown += QCoreApplication.translate("refusals", " and %n more", None, len(ids) - 10)
    return shown


def _template_part(part: object) -> str:
    if part == "subject":
        return QCoreApplication.translate("refusals", "subject", "template error in the …")
    return QCoreApplication.translate("refusals", "body", "template error in the …")


def _template_error(p: _Params) -> str:
    located = p.get("line") is not None
    if p.get("part") in ("subject", "body"):
        if located:
            return QCoreApplication.translate(
                "refusals", "Template error in the {part}, line {line}: {error}"
            )
        return QCoreApplication.translate("refusals", "Template error in the {part}: {error}")
    if located:
        return QCoreApplication.translate("refusals", "Template error, line {line}: {error}")
    return QCoreApplication.translate("refusals", "Template error: {error}")


# --- mailings ---------------------------------------------------------------


def _mailings(p: _Params) -> dict[str, Callable[[], str]]:
    return {
        "start_final": lambda: QCoreApplication.translate(
            "refusals", "The mailing is “{state}” and can never be started again."
        ),
        "start_state": lambda: QCoreApplication.translate(
            "refusals", "A mailing in the state “{state}” cannot be started."
        ),
        "stop_state": lambda: QCoreApplication.translate(
            "refusals", "A mailing in the state “{state}” cannot be stopped."
        ),
        "schedule_state": lambda: QCoreApplication.translate(
            "refusals", "A mailing in the state “{state}” cannot be scheduled."
        ),
        "edit_state": lambda: QCoreApplication.translate(
            "refusals", "A mailing in the state “{state}” cannot be changed; pause it first."
        ),
        "edit_sent": lambda: QCoreApplication.translate(
            "refusals",
            "The mailing has already handed emails to the provider and cannot be changed.",
        ),
        "delete_state": lambda: QCoreApplication.translate(
            "refusals", "Only a draft can be deleted."
        ),
        "kind_change": lambda: QCoreApplication.translate(
            "refusals", "Only a draft can change between bulk and trigger."
        ),
        "not_found": lambda: QCoreApplication.translate(
            "refusals", "The mailing no longer exists."
        ),
        "no_folders": lambda: QCoreApplication.translate(
            "refusals", "Choose at least one folder of recipients."
        ),
        "no_recipients": lambda: QCoreApplication.translate(
            "refusals",
            "No recipient can be sent this mailing: all %n contact(s) in its folders are "
            "invalid, duplicates, unsubscribed or without an address.",
            None,
            as_int(p.get("total")),
        ),
        "trigger_folders": lambda: QCoreApplication.translate(
            "refusals", "A trigger mailing gets its recipients from campaigns and has no folders."
        ),
        "expired_time": lambda: QCoreApplication.translate(
            "refusals", "The mailing's expiration time has already passed."
        ),
        "past_time": lambda: QCoreApplication.translate(
            "refusals", "The start time must be in the future."
        ),
        "naive_time": lambda: (
            QCoreApplication.translate("refusals", "The expiration time needs a time zone.")
            if p.get("time") == "expiration"
            else QCoreApplication.translate("refusals", "The start time needs a time zone.")
        ),
        "schedule_after_expiry": lambda: QCoreApplication.translate(
            "refusals", "The start time is after the expiration time."
        ),
        "html_empty": lambda: QCoreApplication.translate("refusals", "The email body is empty."),
        "template_error": lambda: _template_error(p),
        "message_error": lambda: QCoreApplication.translate(
            "refusals", "The email cannot be built: {error}"
        ),
        "stop_action_changed": lambda: QCoreApplication.translate(
            "refusals", "The mailing moved on while the dialog was open; nothing was changed."
        ),
        "held_elsewhere": lambda: QCoreApplication.translate(
            "refusals",
            "Someone else is stopping this mailing right now; try again in a moment.",
        ),
        **_follow_ups(p),
    }


def _follow_ups(p: _Params) -> dict[str, Callable[[], str]]:
    return {
        "resend_state": lambda: QCoreApplication.translate(
            "refusals",
            "A mailing in the state “{state}” cannot be sent to those it did not reach; "
            "only a stopped, expired or completed one can.",
        ),
        "resend_response": lambda: QCoreApplication.translate(
            "refusals", "Recipients with the response “{response}” are not sent again."
        ),
        "resend_response_unknown": lambda: QCoreApplication.translate(
            "refusals", "Recipients with the response “{response}” are not sent again."
        ),
        "resend_empty": lambda: QCoreApplication.translate(
            "refusals", "Choose at least one response whose recipients to send to."
        ),
        "resend_nobody": lambda: QCoreApplication.translate(
            "refusals",
            "Nobody is left to reach: of the %n recipient(s) chosen, all are unsubscribed, "
            "without a valid address, deleted, or reached by a follow-up since.",
            None,
            as_int(p.get("total")),
        ),
        "resend_chain_busy": lambda: QCoreApplication.translate(
            "refusals",
            "Mailing {id} of the same chain is “{state}” and can still send; start this one "
            "when it has ended.",
        ),
        "no_recipients_left": lambda: QCoreApplication.translate(
            "refusals",
            "Nobody can be sent this follow-up any more: its %n recipient(s) were unsubscribed, "
            "reached by another mailing of the chain or deleted since.",
            None,
            as_int(p.get("total")),
        ),
        "follow_up_audience": lambda: QCoreApplication.translate(
            "refusals",
            "A follow-up is sent to the recipients fixed when it was made; it takes no folders "
            "and stays a bulk mailing.",
        ),
    }


# --- input fields and settings ----------------------------------------------------


def _unsubscribe_url(p: _Params) -> str:
    problem = p.get("problem")
    if problem == "scheme":
        return QCoreApplication.translate(
            "refusals",
            "{setting} must start with https://, http:// or mailto:, not “{value}”; "
            "leave it empty for no link.",
        )
    if problem == "too_long":
        return QCoreApplication.translate(
            "refusals", "{setting} is longer than %n character(s).", None, as_int(p.get("limit"))
        )
    return QCoreApplication.translate(
        "refusals",
        "{setting} “{value}” must be a link without spaces, angle brackets or non-ASCII "
        "characters; percent-encode them.",
    )


def _fields(p: _Params) -> dict[str, Callable[[], str]]:
    return {
        "email_empty": lambda: QCoreApplication.translate("refusals", "{field} is empty."),
        "field_empty": lambda: QCoreApplication.translate("refusals", "{field} is empty."),
        "header_injection": lambda: QCoreApplication.translate(
            "refusals", "{field} cannot contain line breaks."
        ),
        "email_invalid": lambda: QCoreApplication.translate(
            "refusals", "{field} “{value}” is not valid: {reason}"
        ),
        "field_too_long": lambda: QCoreApplication.translate(
            "refusals", "{field} is longer than %n character(s).", None, as_int(p.get("limit"))
        ),
        "setting_not_int": lambda: QCoreApplication.translate(
            "refusals", "{setting} takes a whole number, not “{value}”."
        ),
        "setting_too_small": lambda: QCoreApplication.translate(
            "refusals", "{setting} must be at least {minimum}."
        ),
        "setting_too_large": lambda: QCoreApplication.translate(
            "refusals", "{setting} must be at most {maximum}."
        ),
        "setting_not_bool": lambda: QCoreApplication.translate(
            "refusals", "{setting} takes true or false, not “{value}”."
        ),
        "setting_choice": lambda: QCoreApplication.translate(
            "refusals", "{setting} takes one of {choices}, not “{value}”."
        ),
        "setting_too_long": lambda: QCoreApplication.translate(
            "refusals", "{setting}: at most {limit} characters."
        ),
        "setting_control": lambda: QCoreApplication.translate(
            "refusals", "{setting} cannot contain line breaks."
        ),
        "setting_unknown": lambda: QCoreApplication.translate(
            "refusals", "There is no setting “{code}”; known settings: {known}."
        ),
        "setting_unsubscribe_url": lambda: _unsubscribe_url(p),
    }


# --- contacts, folders and the import ------------------------------------------------


def _contacts(p: _Params) -> dict[str, Callable[[], str]]:
    return {
        "contact_unknown": lambda: QCoreApplication.translate(
            "refusals", "No contact with the id {ids}; nothing was changed."
        ),
        "contact_id_invalid": lambda: QCoreApplication.translate(
            "refusals", "“{value}” is not a contact id."
        ),
        "contact_exists": lambda: QCoreApplication.translate(
            "refusals", "A contact with the address {email} already exists (id {id})."
        ),
        "field_name_empty": lambda: QCoreApplication.translate(
            "refusals", "A custom field needs a name."
        ),
        "field_name_reserved": lambda: QCoreApplication.translate(
            "refusals", "“{name}” is not a custom field; use the contact's own {field}."
        ),
        "field_name_duplicate": lambda: QCoreApplication.translate(
            "refusals", "Two custom fields are both named “{field}”."
        ),
        "field_value_invalid": lambda: QCoreApplication.translate(
            "refusals", "The custom field “{field}” takes text or a number."
        ),
        "folder_unknown": lambda: QCoreApplication.translate(
            "refusals", "There is no folder “{folder}”."
        ),
        "folder_exists": lambda: QCoreApplication.translate(
            "refusals", "A folder named “{folder}” already exists."
        ),
        "folder_in_use": lambda: QCoreApplication.translate(
            "refusals",
            "The folder “{folder}” is used by the mailing “{mailing}”; "
            "remove it from the mailing first.",
        ),
        "import_conflict": lambda: QCoreApplication.translate(
            "refusals",
            "Contacts were added by someone else during the import; nothing was imported, "
            "run the import again.",
        ),
        "import_cancelled": lambda: QCoreApplication.translate(
            "refusals", "The import was cancelled; nothing was changed."
        ),
        "import_reader_stopped": lambda: QCoreApplication.translate(
            "refusals",
            "The process reading the file stopped (exit code {exit_code}) before the end of "
            "the file; nothing was imported. Run the import again.",
        ),
        "import_no_file": lambda: (
            QCoreApplication.translate("refusals", "“{file}” is not a file.")
            if p.get("problem") == "not_a_file"
            else QCoreApplication.translate("refusals", "The file “{file}” does not exist.")
        ),
        "import_unreadable": lambda: QCoreApplication.translate(
            "refusals", "Cannot read “{file}”: {reason}"
        ),
        "import_empty": lambda: (
            QCoreApplication.translate("refusals", "The file has no header row.")
            if p.get("problem") == "no_header"
            else QCoreApplication.translate("refusals", "The file is empty.")
        ),
        "import_too_large": lambda: QCoreApplication.translate(
            "refusals", "The file is larger than {limit_mb} MB; split it into parts."
        ),
        "import_not_text": lambda: (
            QCoreApplication.translate(
                "refusals",
                "This looks like an Excel workbook, not a CSV file; save it as CSV (UTF-8) first.",
            )
            if p.get("problem") == "excel"
            else QCoreApplication.translate(
                "refusals", "The file is not a text file (CSV expected)."
            )
        ),
        "import_encoding": lambda: (
            QCoreApplication.translate("refusals", "The file is not valid {encoding} text.")
            if p.get("encoding")
            else QCoreApplication.translate(
                "refusals",
                "The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.",
            )
        ),
        "import_no_email_column": lambda: QCoreApplication.translate(
            "refusals",
            "The file has no “email” column (columns found: {columns}); "
            "the first line must be a header naming the columns.",
        ),
        "import_duplicate_column": lambda: QCoreApplication.translate(
            "refusals",
            "The columns “{first}” and “{second}” both mean “{column}”; "
            "rename or remove one of them.",
        ),
        "import_broken_quoting": lambda: (
            QCoreApplication.translate(
                "refusals",
                "Line {line}: the file cannot be read as CSV (a quote is not closed or is "
                "followed by other characters); nothing was imported.",
            )
            if p.get("unclosed_quote")
            else QCoreApplication.translate(
                "refusals",
                "Line {line}: the file cannot be read as CSV ({reason}); nothing was imported.",
            )
        ),
        "import_extra_values": lambda: QCoreApplication.translate(
            "refusals",
            "Line {line} has {values} values but the header has %n column(s); "
            "check the delimiter and the quotes. Nothing was imported.",
            None,
            as_int(p.get("columns")),
        ),
        "import_no_rows": lambda: QCoreApplication.translate(
            "refusals", "The file has a header but no contacts."
        ),
    }


_CAMPAIGN_STATE_CODES = frozenset({"campaign_running", "campaign_final", "campaign_edit_state"})


def _shown(exc: Refused) -> _Params:
    """The refusal's values as they read in a sentence."""
    p = _Params(exc.params)
    if "state" in p:
        p["state"] = (
            _campaign_state(p["state"])
            if exc.code in _CAMPAIGN_STATE_CODES
            else _mailing_state(p["state"])
        )
    if "response" in p:
        p["response"] = _response(p["response"])
    if "field" in p and exc.code in _FIELD_CODES:
        p["field"] = field_name(p["field"])
    if "setting" in p:
        p["code"] = str(p["setting"])
        p["setting"] = setting_name(p["setting"])
    for key in ("known", "choices"):
        if key in p:
            p[key] = ", ".join(_items(p[key]))
    if "columns" in p and exc.code == "import_no_email_column":
        p["columns"] = _quoted(_items(p["columns"])) or QCoreApplication.translate(
            "refusals", "none", "no columns found"
        )
    if exc.code == "template_error" and p.get("part") in ("subject", "body"):
        p["part"] = _template_part(p["part"])
    if "ids" in p:
        p["ids"] = _ids(p["ids"])
    if "steps" in p:
        p["steps"] = " → ".join(_step(n) for n in _items(p["steps"]))
    return p


#: Codes whose ``field`` names an input field ("Sender email"), not a custom field.
_FIELD_CODES = frozenset(
    {"email_empty", "field_empty", "header_injection", "email_invalid", "field_too_long"}
)


def _templates(p: _Params) -> dict[str, Callable[[], str]]:
    return {
        **_mailings(p),
        **_fields(p),
        **_contacts(p),
        **campaign_templates(p),
        **dkim_templates(p),
        **bounce_templates(p),
    }


def known_codes() -> frozenset[str]:
    """Every refusal code the window has its own sentence for."""
    return frozenset(_templates(_Params()))


def refused_message(exc: Refused) -> str:
    """A refusal in the UI language when its code is known, else its English text."""
    template = _templates(_Params(exc.params)).get(exc.code)
    if template is None:
        return exc.message
    params = _shown(exc)
    try:
        return template().format_map(params)
    except (ValueError, IndexError, KeyError, AttributeError):  # a broken translation
        return exc.message
