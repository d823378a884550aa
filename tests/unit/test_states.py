"""The state table of MISSION.md, move by move."""

import pytest

from mailapp.models.states import (
    MailingState as S,
)
from mailapp.models.states import (
    Refused,
    Response,
    StopAction,
    can_delete,
    can_edit,
    can_schedule,
    can_start,
    check_edit,
    check_schedule,
    check_start,
    check_stop,
    stop_action,
)

START_ALLOWED = {S.DRAFT, S.PAUSED, S.ERROR}
PAUSE = {S.SCHEDULED, S.WAITING}
STOP = {S.QUEUED, S.SENDING, S.ACTIVE, S.ERROR}
SCHEDULE = {S.DRAFT, S.PAUSED}


@pytest.mark.parametrize("state", list(S))
def test_start_sending(state: S) -> None:
    assert can_start(state) == (state in START_ALLOWED)
    if state in START_ALLOWED:
        check_start(state)
    else:
        with pytest.raises(Refused) as info:
            check_start(state)
        assert state.value in str(info.value)
        final = state in (S.STOPPED, S.COMPLETED, S.EXPIRED)
        assert info.value.code == ("start_final" if final else "start_state")


@pytest.mark.parametrize("state", list(S))
def test_stop_sending_pauses_in_the_delay_window_and_stops_after(state: S) -> None:
    expected = StopAction.PAUSE if state in PAUSE else StopAction.STOP if state in STOP else None
    assert stop_action(state) is expected
    if expected is None:
        with pytest.raises(Refused, match="cannot be stopped"):
            check_stop(state)
    else:
        assert check_stop(state) is expected


@pytest.mark.parametrize("state", list(S))
def test_schedule_edit_delete(state: S) -> None:
    assert can_schedule(state) == (state in SCHEDULE)
    assert can_edit(state) == (state in (S.DRAFT, S.PAUSED))
    assert can_delete(state) == (state is S.DRAFT)
    if state not in SCHEDULE:
        with pytest.raises(Refused):
            check_schedule(state)


def test_a_mailing_that_has_sent_cannot_change() -> None:
    check_edit(S.PAUSED, handed_over=0)
    with pytest.raises(Refused, match="already handed emails"):
        check_edit(S.PAUSED, handed_over=1)
    with pytest.raises(Refused, match="pause it first"):
        check_edit(S.SENDING, handed_over=0)


def test_responses_final_and_handed_over() -> None:
    assert {r for r in Response if not r.is_final} == {Response.PLANNED, Response.SENDING}
    assert {r for r in Response if r.handed_over} == {
        Response.SENT,
        Response.UNCONFIRMED,
        Response.UNSUBSCRIBED,
        Response.SPAM_COMPLAINT,
    }
    assert sum(r.is_cancelled for r in Response) == 6
