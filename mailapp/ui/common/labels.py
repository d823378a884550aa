"""Names of states, kinds, responses and journal events in the UI language.

One place for every translated domain word, so the table, the dialogs, the
toasts and the journal dock always say the same thing. The journal dock
builds its lines from the event code and parameters, not from the English
text stored in the database. Refusals have their own module,
:mod:`mailapp.ui.common.refusals`, which builds on these names.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

from mailapp.models import Event, MailingKind, MailingState, Response
from mailapp.models.campaigns import CampaignState
from mailapp.ui.common.values import as_int

__all__ = [
    "campaign_state_name",
    "event_message",
    "event_name",
    "format_time",
    "kind_name",
    "response_group_name",
    "response_name",
    "state_name",
]


def state_name(state: MailingState) -> str:
    names = {
        MailingState.DRAFT: QCoreApplication.translate("labels", "Draft"),
        MailingState.SCHEDULED: QCoreApplication.translate("labels", "Scheduled"),
        MailingState.WAITING: QCoreApplication.translate("labels", "Waiting for sending"),
        MailingState.PAUSED: QCoreApplication.translate("labels", "Paused"),
        MailingState.QUEUED: QCoreApplication.translate("labels", "Queued"),
        MailingState.SENDING: QCoreApplication.translate("labels", "Sending"),
        MailingState.ACTIVE: QCoreApplication.translate("labels", "Active"),
        MailingState.STOPPING: QCoreApplication.translate("labels", "Stopping"),
        MailingState.STOPPED: QCoreApplication.translate("labels", "Stopped"),
        MailingState.COMPLETED: QCoreApplication.translate("labels", "Completed"),
        MailingState.EXPIRED: QCoreApplication.translate("labels", "Expired"),
        MailingState.ERROR: QCoreApplication.translate("labels", "Sending error"),
    }
    return names[state]


def campaign_state_name(state: CampaignState) -> str:
    names = {
        CampaignState.DRAFT: QCoreApplication.translate("labels", "Draft"),
        CampaignState.RUNNING: QCoreApplication.translate("labels", "Running"),
        CampaignState.STOPPING: QCoreApplication.translate("labels", "Stopping"),
        CampaignState.STOPPED: QCoreApplication.translate("labels", "Stopped"),
        CampaignState.COMPLETED: QCoreApplication.translate("labels", "Completed"),
    }
    return names[state]


def kind_name(kind: MailingKind) -> str:
    if kind is MailingKind.TRIGGER:
        return QCoreApplication.translate("labels", "Trigger")
    return QCoreApplication.translate("labels", "Bulk")


# The responses' names, marked for translation and translated when asked
# for: one translation a name, not one for every response.
_RESPONSE_NAMES: dict[Response, str] = {
    Response.PLANNED: QT_TRANSLATE_NOOP("labels", "Planned"),
    Response.SENDING: QT_TRANSLATE_NOOP("labels", "Being handed to the provider"),
    Response.SENT: QT_TRANSLATE_NOOP("labels", "Sent"),
    Response.UNCONFIRMED: QT_TRANSLATE_NOOP("labels", "Sent, unconfirmed"),
    Response.SOFT_BOUNCE: QT_TRANSLATE_NOOP("labels", "Soft bounce"),
    Response.HARD_BOUNCE: QT_TRANSLATE_NOOP("labels", "Hard bounce"),
    Response.CANCELLED_NO_EMAIL: QT_TRANSLATE_NOOP("labels", "Cancelled (email not provided)"),
    Response.CANCELLED_INVALID_EMAIL: QT_TRANSLATE_NOOP("labels", "Cancelled (invalid email)"),
    Response.CANCELLED_DUPLICATE: QT_TRANSLATE_NOOP("labels", "Cancelled (duplicate email)"),
    Response.CANCELLED_UNSUBSCRIBED: QT_TRANSLATE_NOOP("labels", "Cancelled (unsubscribed)"),
    Response.CANCELLED_TEMPLATE_ERROR: QT_TRANSLATE_NOOP("labels", "Cancelled (template error)"),
    Response.STOPPED_MANUALLY: QT_TRANSLATE_NOOP("labels", "Stopped (manually)"),
    Response.STOPPED_EXPIRED: QT_TRANSLATE_NOOP("labels", "Stopped (time to send expired)"),
    Response.UNSUBSCRIBED: QT_TRANSLATE_NOOP("labels", "Unsubscribed"),
    Response.CANCELLED_BOUNCED: QT_TRANSLATE_NOOP("labels", "Cancelled (address bounced before)"),
    Response.SPAM_COMPLAINT: QT_TRANSLATE_NOOP("labels", "Spam complaint"),
}


def response_name(response: Response) -> str:
    return QCoreApplication.translate("labels", _RESPONSE_NAMES[response])


def response_names() -> dict[Response, str]:
    """Every response's name in the UI language."""
    return {response: response_name(response) for response in Response}


def response_group_name(key: str) -> str:
    """The name of a set of responses counted together (a key of
    ``services.analytics.GROUPS``): the analytics tiles and the first entries
    of the recipients filter say the same. A count, not a recipient's
    response, so Russian says «Остановлено» where a response says
    «Остановлен (вручную)»."""
    names = {
        "planned": QCoreApplication.translate("labels", "Planned", "a count of recipients"),
        "handing_over": QCoreApplication.translate(
            "labels", "Being handed to the provider", "a count of recipients"
        ),
        "sent": QCoreApplication.translate("labels", "Sent", "a count of recipients"),
        "unconfirmed": QCoreApplication.translate(
            "labels", "Sent, unconfirmed", "a count of recipients"
        ),
        "stopped": QCoreApplication.translate("labels", "Stopped", "a count of recipients"),
        "cancelled": QCoreApplication.translate("labels", "Cancelled", "a count of recipients"),
        "bounced": QCoreApplication.translate("labels", "Bounced", "a count of recipients"),
        "unsubscribed": QCoreApplication.translate(
            "labels", "Unsubscribed", "a count of recipients"
        ),
        "complaints": QCoreApplication.translate(
            "labels", "Spam complaints", "a count of recipients"
        ),
    }
    return names[key]


def event_name(event: Event) -> str:
    """The short name of a journal event (filters, tooltips)."""
    names = {
        Event.MAILING_STARTED: QCoreApplication.translate("labels", "Mailing started"),
        Event.MAILING_SCHEDULED: QCoreApplication.translate("labels", "Mailing scheduled"),
        Event.MAILING_PAUSED: QCoreApplication.translate("labels", "Mailing paused"),
        Event.MAILING_RESTARTED: QCoreApplication.translate("labels", "Mailing started again"),
        Event.AUDIENCE_PREPARED: QCoreApplication.translate("labels", "Audience prepared"),
        Event.SENDING_STARTED: QCoreApplication.translate("labels", "Sending started"),
        Event.BATCH_SENT: QCoreApplication.translate("labels", "Emails handed to the provider"),
        Event.MAILING_STOPPING: QCoreApplication.translate("labels", "Mailing stopping"),
        Event.MAILING_STOPPED_MANUALLY: QCoreApplication.translate(
            "labels", "Mailing stopped manually"
        ),
        Event.MAILING_COMPLETED: QCoreApplication.translate("labels", "Mailing completed"),
        Event.MAILING_EXPIRED: QCoreApplication.translate("labels", "Time to send expired"),
        Event.PROVIDER_ERROR: QCoreApplication.translate("labels", "Provider error"),
        Event.MAILING_ERROR: QCoreApplication.translate("labels", "Sending error"),
        Event.PARTICIPANTS_ADDED: QCoreApplication.translate("labels", "Participants added"),
        Event.SENDING_INCIDENT: QCoreApplication.translate("labels", "Sending incident"),
        Event.WORKER_RESTARTED: QCoreApplication.translate("labels", "Worker restarted"),
        Event.CONTACT_UNSUBSCRIBED: QCoreApplication.translate("labels", "Contact unsubscribed"),
        Event.MAILING_RESENT: QCoreApplication.translate("labels", "Sent to those not reached"),
        Event.UNCONFIRMED_MARKED_SENT: QCoreApplication.translate(
            "labels", "Unconfirmed marked as delivered"
        ),
        Event.SETTINGS_CHANGED: QCoreApplication.translate("labels", "Settings changed"),
        Event.CONTACTS_IMPORTED: QCoreApplication.translate("labels", "Contacts imported"),
        Event.CONTACTS_DELETED: QCoreApplication.translate("labels", "Contacts deleted"),
        Event.CAMPAIGN_STARTED: QCoreApplication.translate("labels", "Campaign started"),
        Event.CAMPAIGN_STOPPED: QCoreApplication.translate("labels", "Campaign stopped"),
        Event.BOUNCES_PROCESSED: QCoreApplication.translate("labels", "Bounce mailbox read"),
    }
    return names[event]


#: The counts of a ``bounces_processed`` event.
BOUNCE_COUNTS = ("messages", "hard", "soft", "complaints", "unsubscribes", "unmatched", "ignored")


def _int(params: dict[str, object], key: str) -> int:
    return as_int(params.get(key))


def _text(params: dict[str, object], key: str) -> str:
    value = params.get(key)
    return "?" if value is None else str(value)


def format_time(value: datetime | None) -> str:
    """A stored UTC time as local time in the UI locale (short format)."""
    if value is None:
        return ""
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(qdt, QLocale.FormatType.ShortFormat)


def worker_end(code: int) -> str:
    """How a worker process ended: its exit status, or the signal (``-n``)."""
    if code < 0:
        return QCoreApplication.translate("supervisor", "killed by signal {n}").format(n=-code)
    return QCoreApplication.translate("supervisor", "exit status {n}").format(n=code)


def format_log_time(value: datetime) -> str:
    """A sending-log time: the date in the UI locale and the time to the
    second (events of one minute must stay apart)."""
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    locale = QLocale()
    return (
        f"{locale.toString(qdt.date(), QLocale.FormatType.ShortFormat)} {qdt.toString('HH:mm:ss')}"
    )


def format_full_time(value: datetime) -> str:
    """A stored time in the UI locale's long format, for tooltips."""
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(qdt, QLocale.FormatType.LongFormat)


def _format_iso(text: str) -> str:
    try:
        return format_time(datetime.fromisoformat(text))
    except ValueError:
        return text


def event_message(event: Event, params: dict[str, object]) -> str:
    """The journal line for ``event`` in the UI language."""
    if event is Event.MAILING_STARTED:
        return QCoreApplication.translate(
            "labels", "Mailing started; sending begins in %n second(s)", None, _int(params, "delay")
        )
    if event is Event.MAILING_SCHEDULED:
        return QCoreApplication.translate("labels", "Mailing scheduled for {at}").format(
            at=_format_iso(_text(params, "at"))
        )
    if event is Event.MAILING_PAUSED:
        return QCoreApplication.translate("labels", "Mailing paused")
    if event is Event.MAILING_RESTARTED:
        return QCoreApplication.translate(
            "labels",
            "Mailing started again; sending begins in %n second(s)",
            None,
            _int(params, "delay"),
        )
    if event is Event.AUDIENCE_PREPARED:
        return QCoreApplication.translate(
            "labels",
            "Audience prepared: to send {will_send}, invalid {invalid}, "
            "duplicates {duplicates}, unsubscribed {unsubscribed}, without email {no_email}, "
            "bounced before {bounced}",
        ).format(
            will_send=_int(params, "will_send"),
            invalid=_int(params, "invalid"),
            duplicates=_int(params, "duplicates"),
            unsubscribed=_int(params, "unsubscribed"),
            no_email=_int(params, "no_email"),
            bounced=_int(params, "bounced"),
        )
    if event is Event.SENDING_STARTED:
        return QCoreApplication.translate("labels", "Sending started")
    if event is Event.BATCH_SENT:
        return QCoreApplication.translate(
            "labels", "%n email(s) handed to the provider", None, _int(params, "count")
        )
    if event is Event.MAILING_STOPPING:
        return QCoreApplication.translate(
            "labels",
            "Stopping the mailing: %n recipient(s) not yet handed over",
            None,
            _int(params, "pending"),
        )
    if event is Event.MAILING_STOPPED_MANUALLY:
        return QCoreApplication.translate(
            "labels",
            "Mailing stopped manually: %n recipient(s) stopped",
            None,
            _int(params, "stopped"),
        )
    if event is Event.MAILING_COMPLETED:
        return QCoreApplication.translate(
            "labels", "Mailing completed: %n sent", None, _int(params, "sent")
        )
    if event is Event.MAILING_EXPIRED:
        return QCoreApplication.translate(
            "labels", "Time to send expired: %n recipient(s) stopped", None, _int(params, "stopped")
        )
    if event is Event.PROVIDER_ERROR:
        return QCoreApplication.translate("labels", "Provider error: {error}").format(
            error=_text(params, "error")
        )
    if event is Event.MAILING_ERROR:
        return QCoreApplication.translate("labels", "Sending error: {error}").format(
            error=_text(params, "error")
        )
    if event is Event.PARTICIPANTS_ADDED:
        return QCoreApplication.translate(
            "labels", "%n participant(s) added", None, _int(params, "count")
        )
    if event is Event.WORKER_RESTARTED:
        return QCoreApplication.translate(
            "labels", "The sending worker stopped ({reason}) and was started again"
        ).format(reason=worker_end(_int(params, "code")))
    if event is Event.CONTACT_UNSUBSCRIBED:
        return QCoreApplication.translate(
            "labels", "{email} unsubscribed through the link in the email"
        ).format(email=_text(params, "email"))
    if event is Event.MAILING_RESENT:
        return QCoreApplication.translate(
            "labels",
            "Follow-up mailing {follow_up} made for %n recipient(s) not reached",
            None,
            _int(params, "recipients"),
        ).format(follow_up=_int(params, "follow_up"))
    if event is Event.UNCONFIRMED_MARKED_SENT:
        return QCoreApplication.translate(
            "labels",
            "%n unconfirmed recipient(s) marked as delivered",
            None,
            _int(params, "count"),
        )
    if event is Event.SETTINGS_CHANGED:
        return QCoreApplication.translate("labels", "Settings changed: {codes}").format(
            codes=_text(params, "codes")
        )
    if event is Event.CONTACTS_IMPORTED:
        return QCoreApplication.translate(
            "labels", "Contacts imported: {imported} new, {updated} updated"
        ).format(imported=_int(params, "imported"), updated=_int(params, "updated"))
    if event is Event.CONTACTS_DELETED:
        return QCoreApplication.translate(
            "labels", "%n contact(s) deleted", None, _int(params, "count")
        )
    if event is Event.CAMPAIGN_STARTED:
        return QCoreApplication.translate("labels", "Campaign started: {name}").format(
            name=_text(params, "name")
        )
    if event is Event.CAMPAIGN_STOPPED:
        return QCoreApplication.translate("labels", "Campaign stopped: {name}").format(
            name=_text(params, "name")
        )
    if event is Event.BOUNCES_PROCESSED:
        return QCoreApplication.translate(
            "labels",
            "Bounce mailbox read: {messages} messages, hard bounces {hard}, soft bounces {soft}, "
            "spam complaints {complaints}, unsubscribe requests {unsubscribes}, "
            "unmatched {unmatched}, ignored {ignored}",
        ).format(**{k: _int(params, k) for k in BOUNCE_COUNTS})
    if event is Event.SENDING_INCIDENT:
        return QCoreApplication.translate(
            "labels", "Sending incident for {email}: {detail}"
        ).format(email=_text(params, "email"), detail=_text(params, "detail"))
    return event.value
