"""The mailing state machine, personal responses and journal events.

Pure domain rules with no database or Qt: the services apply them inside a
transaction, the UI asks them which buttons to enable, and the tests can walk
every move without touching anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class MailingKind(StrEnum):
    BULK = "bulk"
    TRIGGER = "trigger"


class MailingState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    WAITING = "waiting_before_send"
    PAUSED = "paused"
    QUEUED = "queued"
    SENDING = "sending"
    ACTIVE = "active"
    STOPPING = "stopping"
    STOPPED = "stopped"
    COMPLETED = "completed"
    EXPIRED = "expired"
    ERROR = "error"


class Response(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"
    SENT = "sent"
    UNCONFIRMED = "unconfirmed"
    SOFT_BOUNCE = "soft_bounce"
    HARD_BOUNCE = "hard_bounce"
    CANCELLED_NO_EMAIL = "cancelled_no_email"
    CANCELLED_INVALID_EMAIL = "cancelled_invalid_email"
    CANCELLED_DUPLICATE = "cancelled_duplicate"
    CANCELLED_UNSUBSCRIBED = "cancelled_unsubscribed"
    CANCELLED_TEMPLATE_ERROR = "cancelled_template_error"
    STOPPED_MANUALLY = "stopped_manually"
    STOPPED_EXPIRED = "stopped_expired"
    #: The recipient unsubscribed through the link of this mailing's message
    #: (a ``sent`` row that the dispatcher never touches again).
    UNSUBSCRIBED = "unsubscribed"
    CANCELLED_BOUNCED = "cancelled_bounced"
    SPAM_COMPLAINT = "spam_complaint"

    @property
    def is_final(self) -> bool:
        return self not in (Response.PLANNED, Response.SENDING)

    @property
    def is_cancelled(self) -> bool:
        return self.value.startswith("cancelled_")

    @property
    def is_bounce(self) -> bool:
        return self in (Response.SOFT_BOUNCE, Response.HARD_BOUNCE)

    @property
    def handed_over(self) -> bool:
        """True when the provider has (or may have) taken the message.

        An unsubscribe or a spam complaint after the message arrived does not
        undo its handover: the mailing still cannot change its template, and
        a resend still counts the contact as served.
        """
        return self in (
            Response.SENT,
            Response.UNCONFIRMED,
            Response.UNSUBSCRIBED,
            Response.SPAM_COMPLAINT,
        )


class EventType(StrEnum):
    INFO = "info"
    ERROR = "error"


class Event(StrEnum):
    MAILING_STARTED = "mailing_started"
    MAILING_SCHEDULED = "mailing_scheduled"
    MAILING_PAUSED = "mailing_paused"
    MAILING_RESTARTED = "mailing_restarted"
    AUDIENCE_PREPARED = "audience_prepared"
    SENDING_STARTED = "sending_started"
    BATCH_SENT = "batch_sent"
    #: A bounce mailbox (or files) was read: counts of what it held.
    BOUNCES_PROCESSED = "bounces_processed"
    MAILING_STOPPING = "mailing_stopping"
    MAILING_STOPPED_MANUALLY = "mailing_stopped_manually"
    MAILING_COMPLETED = "mailing_completed"
    MAILING_EXPIRED = "mailing_expired"
    PROVIDER_ERROR = "provider_error"
    MAILING_ERROR = "mailing_error"
    PARTICIPANTS_ADDED = "participants_added"
    #: A sending lane found a row it held taken by another (its lease was
    #: released while it worked): never silent, always with the recipient.
    SENDING_INCIDENT = "sending_incident"
    #: The window's worker process ended unexpectedly and was started again.
    WORKER_RESTARTED = "worker_restarted"
    #: A recipient used the unsubscribe link of a message.
    CONTACT_UNSUBSCRIBED = "contact_unsubscribed"
    #: A follow-up was made for the recipients this mailing did not reach.
    MAILING_RESENT = "mailing_resent"
    #: A person saw in the provider's log that unconfirmed messages arrived.
    UNCONFIRMED_MARKED_SENT = "unconfirmed_marked_sent"
    SETTINGS_CHANGED = "settings_changed"
    CONTACTS_IMPORTED = "contacts_imported"
    CONTACTS_DELETED = "contacts_deleted"
    CAMPAIGN_STARTED = "campaign_started"
    CAMPAIGN_STOPPED = "campaign_stopped"

    @property
    def type(self) -> EventType:
        if self in (Event.PROVIDER_ERROR, Event.MAILING_ERROR, Event.SENDING_INCIDENT):
            return EventType.ERROR
        return EventType.INFO


#: English messages of the journal; ``{name}`` fields come from the event's
#: parameters. The window shows its own translated copies of these.
EVENT_MESSAGES: dict[Event, str] = {
    Event.MAILING_STARTED: "Mailing started; sending begins in {delay} s",
    Event.MAILING_SCHEDULED: "Mailing scheduled for {at}",
    Event.MAILING_PAUSED: "Mailing paused",
    Event.MAILING_RESTARTED: "Mailing started again; sending begins in {delay} s",
    Event.AUDIENCE_PREPARED: (
        "Audience prepared: {will_send} will be sent, {invalid} invalid, "
        "{duplicates} duplicates, {unsubscribed} unsubscribed, {no_email} without email, "
        "{bounced} bounced before"
    ),
    Event.SENDING_STARTED: "Sending started",
    Event.BATCH_SENT: "Emails handed to the provider: {count}",
    Event.BOUNCES_PROCESSED: (
        "Bounce mailbox read: {messages} messages, {hard} hard bounces, {soft} soft bounces, "
        "{complaints} spam complaints, {unsubscribes} unsubscribe requests, "
        "{unmatched} unmatched, {ignored} ignored"
    ),
    Event.MAILING_STOPPING: "Stopping the mailing; recipients not yet handed over: {pending}",
    Event.MAILING_STOPPED_MANUALLY: "Mailing stopped manually; recipients stopped: {stopped}",
    Event.MAILING_COMPLETED: "Mailing completed; emails sent: {sent}",
    Event.MAILING_EXPIRED: "Time to send expired; recipients stopped: {stopped}",
    Event.PROVIDER_ERROR: "Provider error: {error}",
    Event.SENDING_INCIDENT: "Sending incident for {email}: {detail}",
    Event.WORKER_RESTARTED: "The sending worker stopped ({reason}) and was started again",
    Event.MAILING_ERROR: "Sending error: {error}",
    Event.PARTICIPANTS_ADDED: "Participants added: {count}{suffix}",
    Event.CONTACT_UNSUBSCRIBED: "{email} unsubscribed through the link in the email",
    Event.MAILING_RESENT: (
        "Follow-up mailing {follow_up} made for {recipients} recipients not reached ({responses})"
    ),
    Event.UNCONFIRMED_MARKED_SENT: "Unconfirmed recipients marked as delivered: {count}",
    Event.SETTINGS_CHANGED: "Settings changed: {codes}",
    Event.CONTACTS_IMPORTED: "Contacts imported: {imported} new, {updated} updated",
    Event.CONTACTS_DELETED: "Contacts deleted: {count}",
    Event.CAMPAIGN_STARTED: "Campaign started: {name}",
    Event.CAMPAIGN_STOPPED: "Campaign stopped: {name}",
}


def event_message(event: Event, params: dict[str, object]) -> str:
    """The English journal line for an event; missing fields show as '?'."""

    class _Default(dict[str, object]):
        def __missing__(self, key: str) -> str:
            return "?"

    return EVENT_MESSAGES[event].format_map(_Default(params))


#: States in which the dispatcher may hand messages to the provider.
SENDING_STATES = frozenset({MailingState.QUEUED, MailingState.SENDING, MailingState.ACTIVE})

#: States a mailing never leaves.
FINAL_STATES = frozenset({MailingState.STOPPED, MailingState.COMPLETED, MailingState.EXPIRED})

#: States in which expiration applies (the mailing may still send something).
EXPIRABLE_STATES = frozenset(
    {
        MailingState.SCHEDULED,
        MailingState.WAITING,
        MailingState.PAUSED,
        MailingState.QUEUED,
        MailingState.SENDING,
        MailingState.ACTIVE,
        MailingState.ERROR,
    }
)

_START_FROM = frozenset({MailingState.DRAFT, MailingState.PAUSED, MailingState.ERROR})
_PAUSE_FROM = frozenset({MailingState.SCHEDULED, MailingState.WAITING})
_STOP_FROM = frozenset(
    {MailingState.QUEUED, MailingState.SENDING, MailingState.ACTIVE, MailingState.ERROR}
)
_SCHEDULE_FROM = frozenset({MailingState.DRAFT, MailingState.PAUSED})
_EDIT_FROM = frozenset({MailingState.DRAFT, MailingState.PAUSED})


class Refused(Exception):
    """A request the rules do not allow; ``code`` lets the UI translate it."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Picklable with its code and values: a refusal found by another
        # process (the import's reader) is raised again as it was.
        return (self._rebuilt, (self.code, self.message, self.params))

    @classmethod
    def _rebuilt(cls, code: str, message: str, params: dict[str, object]) -> Refused:
        return cls(code, message, **params)


class StopAction(StrEnum):
    """What *Stop sending* does in a given state."""

    PAUSE = "pause"
    STOP = "stop"


def can_start(state: MailingState) -> bool:
    return state in _START_FROM


def stop_action(state: MailingState) -> StopAction | None:
    """PAUSE inside the delay window, STOP once sending has begun, else None."""
    if state in _PAUSE_FROM:
        return StopAction.PAUSE
    if state in _STOP_FROM:
        return StopAction.STOP
    return None


def can_schedule(state: MailingState) -> bool:
    return state in _SCHEDULE_FROM


def can_edit(state: MailingState) -> bool:
    return state in _EDIT_FROM


def can_delete(state: MailingState) -> bool:
    return state is MailingState.DRAFT


def check_start(state: MailingState) -> None:
    if can_start(state):
        return
    if state in FINAL_STATES:
        raise Refused(
            "start_final",
            f"The mailing is {state.value} and can never be started again",
            state=state.value,
        )
    raise Refused(
        "start_state",
        f"A mailing in the state {state.value} cannot be started",
        state=state.value,
    )


def check_stop(state: MailingState) -> StopAction:
    action = stop_action(state)
    if action is None:
        raise Refused(
            "stop_state",
            f"A mailing in the state {state.value} cannot be stopped",
            state=state.value,
        )
    return action


def check_schedule(state: MailingState) -> None:
    if not can_schedule(state):
        raise Refused(
            "schedule_state",
            f"A mailing in the state {state.value} cannot be scheduled",
            state=state.value,
        )


def check_edit(state: MailingState, handed_over: int) -> None:
    if handed_over:
        raise Refused(
            "edit_sent",
            "The mailing has already handed emails to the provider and cannot be changed",
        )
    if not can_edit(state):
        raise Refused(
            "edit_state",
            f"A mailing in the state {state.value} cannot be changed; pause it first",
            state=state.value,
        )


#: The responses a follow-up may be sent to: those who surely did not get
#: the message, and, when named, a soft bounce or an unconfirmed handover
#: (which may mean a second copy).
RESENDABLE_RESPONSES = (
    Response.STOPPED_MANUALLY,
    Response.STOPPED_EXPIRED,
    Response.SOFT_BOUNCE,
    Response.UNCONFIRMED,
)
DEFAULT_RESEND_RESPONSES = frozenset({Response.STOPPED_MANUALLY, Response.STOPPED_EXPIRED})


def can_resend(state: MailingState) -> bool:
    """Only a mailing that can never send again is followed up: one still
    able to send would race its follow-up for the same people."""
    return state in FINAL_STATES


def check_resend(state: MailingState) -> None:
    if not can_resend(state):
        raise Refused(
            "resend_state",
            f"A mailing in the state {state.value} cannot be sent to those it did not reach; "
            "only a stopped, expired or completed one can",
            state=state.value,
        )


def parse_resend_responses(codes: Iterable[str]) -> frozenset[Response]:
    """The responses named for a follow-up; :class:`Refused` for a code that
    is unknown or that cannot be resent, and for none at all."""
    allowed = ", ".join(r.value for r in RESENDABLE_RESPONSES)
    result: set[Response] = set()
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        try:
            response = Response(code)
        except ValueError:
            raise Refused(
                "resend_response_unknown",
                f"{code!r} is not a response code; a resend takes {allowed}",
                response=code,
            ) from None
        if response not in RESENDABLE_RESPONSES:
            raise Refused(
                "resend_response",
                f"Recipients with the response {code} are not resent; a resend takes {allowed}",
                response=code,
            )
        result.add(response)
    if not result:
        raise Refused(
            "resend_empty",
            f"Name at least one response to resend: {allowed}",
            known=tuple(r.value for r in RESENDABLE_RESPONSES),
        )
    return frozenset(result)
