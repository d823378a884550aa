"""Names of states, kinds, responses and journal events in the UI language.

One place for every translated domain word, so the table, the dialogs, the
toasts and the journal dock always say the same thing. The journal dock
builds its lines from the event code and parameters, not from the English
text stored in the database.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from mailapp.models import Event, MailingKind, MailingState, Refused, Response


def state_name(state: MailingState) -> str:
    tr = QCoreApplication.translate
    names = {
        MailingState.DRAFT: tr("labels", "Draft"),
        MailingState.SCHEDULED: tr("labels", "Scheduled"),
        MailingState.WAITING: tr("labels", "Waiting for sending"),
        MailingState.PAUSED: tr("labels", "Paused"),
        MailingState.QUEUED: tr("labels", "Queued"),
        MailingState.SENDING: tr("labels", "Sending"),
        MailingState.ACTIVE: tr("labels", "Active"),
        MailingState.STOPPING: tr("labels", "Stopping"),
        MailingState.STOPPED: tr("labels", "Stopped"),
        MailingState.COMPLETED: tr("labels", "Completed"),
        MailingState.EXPIRED: tr("labels", "Expired"),
        MailingState.ERROR: tr("labels", "Sending error"),
    }
    return names[state]


def kind_name(kind: MailingKind) -> str:
    tr = QCoreApplication.translate
    if kind is MailingKind.TRIGGER:
        return tr("labels", "Trigger")
    return tr("labels", "Bulk")


def response_name(response: Response) -> str:
    tr = QCoreApplication.translate
    names = {
        Response.PLANNED: tr("labels", "Planned"),
        Response.SENDING: tr("labels", "Being handed to the provider"),
        Response.SENT: tr("labels", "Sent"),
        Response.UNCONFIRMED: tr("labels", "Sent, unconfirmed"),
        Response.SOFT_BOUNCE: tr("labels", "Soft bounce"),
        Response.HARD_BOUNCE: tr("labels", "Hard bounce"),
        Response.CANCELLED_NO_EMAIL: tr("labels", "Cancelled (email not provided)"),
        Response.CANCELLED_INVALID_EMAIL: tr("labels", "Cancelled (invalid email)"),
        Response.CANCELLED_DUPLICATE: tr("labels", "Cancelled (duplicate email)"),
        Response.CANCELLED_UNSUBSCRIBED: tr("labels", "Cancelled (unsubscribed)"),
        Response.CANCELLED_TEMPLATE_ERROR: tr("labels", "Cancelled (template error)"),
        Response.STOPPED_MANUALLY: tr("labels", "Stopped (manually)"),
        Response.STOPPED_EXPIRED: tr("labels", "Stopped (time to send expired)"),
    }
    return names[response]


def event_name(event: Event) -> str:
    """The short name of a journal event (filters, tooltips)."""
    tr = QCoreApplication.translate
    names = {
        Event.MAILING_STARTED: tr("labels", "Mailing started"),
        Event.MAILING_SCHEDULED: tr("labels", "Mailing scheduled"),
        Event.MAILING_PAUSED: tr("labels", "Mailing paused"),
        Event.MAILING_RESTARTED: tr("labels", "Mailing started again"),
        Event.AUDIENCE_PREPARED: tr("labels", "Audience prepared"),
        Event.SENDING_STARTED: tr("labels", "Sending started"),
        Event.BATCH_SENT: tr("labels", "Emails handed to the provider"),
        Event.MAILING_STOPPING: tr("labels", "Mailing stopping"),
        Event.MAILING_STOPPED_MANUALLY: tr("labels", "Mailing stopped manually"),
        Event.MAILING_COMPLETED: tr("labels", "Mailing completed"),
        Event.MAILING_EXPIRED: tr("labels", "Time to send expired"),
        Event.PROVIDER_ERROR: tr("labels", "Provider error"),
        Event.MAILING_ERROR: tr("labels", "Sending error"),
        Event.PARTICIPANTS_ADDED: tr("labels", "Participants added"),
    }
    return names[event]


def _int(params: dict[str, object], key: str) -> int:
    value = params.get(key)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _text(params: dict[str, object], key: str) -> str:
    value = params.get(key)
    return "?" if value is None else str(value)


def format_time(value: datetime | None) -> str:
    """A stored UTC time as local time in the UI locale (short format)."""
    if value is None:
        return ""
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(qdt, QLocale.FormatType.ShortFormat)


def _format_iso(text: str) -> str:
    try:
        return format_time(datetime.fromisoformat(text))
    except ValueError:
        return text


def event_message(event: Event, params: dict[str, object]) -> str:
    """The journal line for ``event`` in the UI language."""
    tr = QCoreApplication.translate
    if event is Event.MAILING_STARTED:
        return tr(
            "labels", "Mailing started; sending begins in %n second(s)", None, _int(params, "delay")
        )
    if event is Event.MAILING_SCHEDULED:
        return tr("labels", "Mailing scheduled for {at}").format(
            at=_format_iso(_text(params, "at"))
        )
    if event is Event.MAILING_PAUSED:
        return tr("labels", "Mailing paused")
    if event is Event.MAILING_RESTARTED:
        return tr(
            "labels",
            "Mailing started again; sending begins in %n second(s)",
            None,
            _int(params, "delay"),
        )
    if event is Event.AUDIENCE_PREPARED:
        return tr(
            "labels",
            "Audience prepared: to send {will_send}, invalid {invalid}, "
            "duplicates {duplicates}, unsubscribed {unsubscribed}, without email {no_email}",
        ).format(
            will_send=_int(params, "will_send"),
            invalid=_int(params, "invalid"),
            duplicates=_int(params, "duplicates"),
            unsubscribed=_int(params, "unsubscribed"),
            no_email=_int(params, "no_email"),
        )
    if event is Event.SENDING_STARTED:
        return tr("labels", "Sending started")
    if event is Event.BATCH_SENT:
        return tr("labels", "%n email(s) handed to the provider", None, _int(params, "count"))
    if event is Event.MAILING_STOPPING:
        return tr(
            "labels",
            "Stopping the mailing: %n recipient(s) not yet handed over",
            None,
            _int(params, "pending"),
        )
    if event is Event.MAILING_STOPPED_MANUALLY:
        return tr(
            "labels",
            "Mailing stopped manually: %n recipient(s) stopped",
            None,
            _int(params, "stopped"),
        )
    if event is Event.MAILING_COMPLETED:
        return tr("labels", "Mailing completed: %n sent", None, _int(params, "sent"))
    if event is Event.MAILING_EXPIRED:
        return tr(
            "labels", "Time to send expired: %n recipient(s) stopped", None, _int(params, "stopped")
        )
    if event is Event.PROVIDER_ERROR:
        return tr("labels", "Provider error: {error}").format(error=_text(params, "error"))
    if event is Event.MAILING_ERROR:
        return tr("labels", "Sending error: {error}").format(error=_text(params, "error"))
    if event is Event.PARTICIPANTS_ADDED:
        return tr("labels", "%n participant(s) added", None, _int(params, "count"))
    return event.value


def refused_message(exc: Refused) -> str:
    """A refusal in the UI language when its code is known, else its text."""
    tr = QCoreApplication.translate
    state = exc.params.get("state")
    state_text = state_name(MailingState(state)) if state in set(MailingState) else ""
    known = {
        "start_final": tr("labels", "The mailing is “{state}” and can never be started again."),
        "start_state": tr("labels", "A mailing in the state “{state}” cannot be started."),
        "stop_state": tr("labels", "A mailing in the state “{state}” cannot be stopped."),
        "schedule_state": tr("labels", "A mailing in the state “{state}” cannot be scheduled."),
        "edit_state": tr(
            "labels", "A mailing in the state “{state}” cannot be changed; pause it first."
        ),
        "edit_sent": tr(
            "labels",
            "The mailing has already handed emails to the provider and cannot be changed.",
        ),
        "delete_state": tr("labels", "Only a draft can be deleted."),
        "not_found": tr("labels", "The mailing no longer exists."),
        "no_folders": tr("labels", "Choose at least one folder of recipients."),
        "no_recipients": tr(
            "labels",
            "No recipient can be sent this mailing: everybody in its folders is invalid, "
            "a duplicate, unsubscribed or without an address.",
        ),
        "expired_time": tr("labels", "The mailing's expiration time has already passed."),
        "past_time": tr("labels", "The start time must be in the future."),
        "schedule_after_expiry": tr("labels", "The start time is after the expiration time."),
        "html_empty": tr("labels", "The email body is empty."),
    }
    template = known.get(exc.code)
    if template is None:
        return exc.message
    return template.format(state=state_text)
