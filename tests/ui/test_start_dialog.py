"""The *Start sending* confirmation tells what will go wrong, counted off the
GUI thread on a real database, in words with the right plurals in both
languages; a warning never stops Start."""

from __future__ import annotations

from sqlalchemy import update

from mailapp.models import Contact, MailingState
from mailapp.services import mailings, settings
from mailapp.services.context import AppContext
from mailapp.ui.mailings.start_dialog import StartDialog
from tests.support.data import add_contacts, make_mailing

BODY = "<p>Hello {{ contact.first_name }} from {{ contact.city }}</p>"


def _troubled_mailing(ctx: AppContext) -> int:
    """Five contacts: one invalid, one unsubscribed, two of the three others
    without a city; the body has no unsubscribe link."""
    ids = add_contacts(
        ctx,
        ["anna@example.com", "boris@example.com", "cora@example.com", "nope", "gone@example.com"],
        unsubscribed={"gone@example.com"},
    )
    with ctx.db.write() as session:
        session.execute(update(Contact).where(Contact.id.in_(ids[1:3])).values(fields={}))
    return make_mailing(ctx, html=BODY, name="Autumn news " + "with a very long name " * 4)


def _open(qtbot, window, mailing_id: int) -> StartDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.select_mailing(mailing_id), timeout=5000)
    with qtbot.waitSignal(window.commands.dialog_opened, timeout=5000) as blocker:
        window.start_action.trigger()
    dialog = blocker.args[0]
    assert isinstance(dialog, StartDialog)
    return dialog


def test_start_lists_what_will_go_wrong(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    mailing_id = _troubled_mailing(services.ctx)
    dialog = _open(qtbot, window, mailing_id)
    text = dialog.informativeText()
    assert "The email goes to 3 recipients in the folder “Customers”." in text
    assert "2 recipients have no “city”; it will be empty in their email." in text
    assert "1 contact with an invalid or missing address will not be sent the email." in text
    assert "1 contact unsubscribed and will not be sent the email." in text
    assert "no unsubscribe link: add {{\N{NO-BREAK SPACE}unsubscribe_url" in text
    assert "the sandbox" in text
    assert dialog.icon() is dialog.Icon.Warning
    # Warnings inform: Start goes on.
    assert dialog.action_button is not None and dialog.action_button.isEnabled()
    with qtbot.waitSignal(window.commands.done, timeout=5000):
        dialog.action_button.click()
    assert mailings.get(services.ctx, mailing_id).state is MailingState.WAITING


def test_nothing_to_warn_about_says_nothing(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    add_contacts(services.ctx, ["anna@example.com"])
    settings.set_many(services.ctx, {"UnsubscribeUrl": "https://shop.example.com/u/{email}"})
    mailing_id = make_mailing(
        services.ctx, html='<p>{{ contact.city }}</p><a href="{{ unsubscribe_url }}">Leave</a>'
    )
    dialog = _open(qtbot, window, mailing_id)
    assert dialog.warnings == []
    assert "Check before you start" not in dialog.informativeText()
    assert "The email goes to 1 recipient in the folder “Customers”." in dialog.informativeText()
    dialog.cancel_button.click()


def test_a_real_provider_is_named(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    add_contacts(services.ctx, ["anna@example.com"])
    settings.set_many(services.ctx, {"Provider": "smtp", "SmtpHost": "smtp.shop.example.com"})
    dialog = _open(qtbot, window, make_mailing(services.ctx))
    assert "SMTP server smtp.shop.example.com" in dialog.informativeText()
    assert "real people" in dialog.informativeText()
    dialog.cancel_button.click()


def test_the_warnings_in_russian(qtbot, russian, window, services) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(qtbot, window, _troubled_mailing(services.ctx))
    text = dialog.informativeText()
    assert "Письмо уйдёт 3 получателям в папке «Customers»." in text, text
    assert "У 2 получателей нет поля «city»" in text, text
    assert "1 контакт с неверным или пустым адресом не получит письмо." in text, text
    assert "1 контакт отписался и не получит письмо." in text, text
    assert "ссылки для отписки" in text, text
    dialog.cancel_button.click()
