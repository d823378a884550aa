"""Render the window offscreen into docs/screenshots/*.png, in English and Russian.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py

A temporary database is filled through the services and the real engine
sends to the built-in sandbox, slowed down by ``SendRatePerSecond`` so that
one mailing is caught mid-send; others are completed, stopped, and waiting
for sending with its countdown.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from mailapp.models import MailingKind, MailingState, Response  # noqa: E402
from mailapp.models.campaigns import StepKind  # noqa: E402
from mailapp.services import campaigns, contacts, lifecycle, mailings, samples, stops  # noqa: E402
from mailapp.services import settings as settings_service  # noqa: E402
from mailapp.services.campaigns import CampaignInput, StepInput, TransitionInput  # noqa: E402
from mailapp.services.context import AppContext  # noqa: E402
from mailapp.services.mailings import MailingInput  # noqa: E402
from mailapp.ui.app import supervise_worker  # noqa: E402
from mailapp.ui.common.i18n import Translations  # noqa: E402
from mailapp.ui.services import make_services  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise SystemExit("timed out while preparing the screenshots")
        pump(100)


def state(ctx: AppContext, mailing_id: int) -> MailingState:
    return mailings.get(ctx, mailing_id).state


def mailing(ctx: AppContext, name: str, folder: str) -> int:
    return mailings.create(
        ctx,
        MailingInput(
            name=name,
            subject="News for {{ contact.first_name }}",
            sender_email="news@example.com",
            sender_name="Sample Shop",
            html="<p>Hello {{ contact.first_name }}</p>",
            folders=(folder,),
        ),
    )


def campaign(ctx: AppContext) -> int:
    """A campaign feeding trigger mailing A, with ``stopped_manually → B``;
    A is stopped after the first participants, so later ones go on to B."""

    def trigger(name: str) -> int:
        return mailings.create(
            ctx,
            MailingInput(
                name=name,
                kind=MailingKind.TRIGGER,
                subject="Welcome, {{ contact.first_name }}",
                sender_email="news@example.com",
                sender_name="Sample Shop",
                html="<p>Welcome, {{ contact.first_name }}</p>",
            ),
        )

    for n in range(6):
        contacts.add_contact(ctx, f"newcomer{n}@example.com", f"Newcomer {n}", folder="Newcomers")
    a = trigger("Welcome series — first letter to new customers of the online shop")
    b = trigger("Welcome — a second chance")
    lifecycle.start(ctx, a)
    lifecycle.start(ctx, b)
    campaign_id = campaigns.create_campaign(
        ctx,
        CampaignInput(
            name="Onboarding of new customers",
            folder="Newcomers",
            steps=(
                StepInput(StepKind.EMAIL, mailing_id=a),
                StepInput(StepKind.WAIT, wait_seconds=3600, next_step=2),
                StepInput(StepKind.EMAIL, mailing_id=b),
            ),
            transitions=(
                TransitionInput(0, frozenset({Response.STOPPED_MANUALLY}), 1),
                TransitionInput(0, frozenset({Response.SENT, Response.UNCONFIRMED}), None),
            ),
            interval_seconds=1,
        ),
    )
    campaigns.start_campaign(ctx, campaign_id)
    wait_for(lambda: state(ctx, a) is MailingState.ACTIVE)
    wait_for(lambda: mailings.get(ctx, a).handed_over >= 6)
    stops.stop(ctx, a)
    wait_for(lambda: state(ctx, a) is MailingState.STOPPED)
    for n in range(6, 10):
        contacts.add_contact(ctx, f"newcomer{n}@example.com", f"Newcomer {n}", folder="Newcomers")
    wait_for(lambda: campaigns.get_campaign(ctx, campaign_id).steps[1].current >= 4)
    return campaign_id


def save(widget: QWidget, name: str, language: str) -> None:
    path = OUT / f"{name}.{language}.png"
    widget.grab().save(str(path))
    print("wrote", path.relative_to(ROOT))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    home = tempfile.TemporaryDirectory(prefix="mailapp-screens-")
    os.environ["MAILAPP_HOME"] = home.name
    ctx = AppContext.open(f"sqlite:///{Path(home.name) / 'screens.sqlite3'}")
    samples.ensure_samples(ctx)
    for n in range(40):
        contacts.add_contact(ctx, f"reader{n}@example.com", f"Reader {n}", folder="Small list")
    settings_service.set_many(
        ctx,
        {
            "MandrillMailingDelayInSeconds": "1",
            "SendRatePerSecond": "8",
            # The sending log names who did what: a marketer, not the machine's account.
            "UserName": "Anna",
        },
    )
    ids = mailings.list_all(ctx)
    newsletter = next(m.id for m in ids if m.kind.value == "bulk")
    done_id = mailing(ctx, "Spring sale announcement", "Small list")
    stopped_id = mailing(
        ctx, "Price list — wholesale customers of the northern region", "Sample contacts"
    )
    waiting_id = mailing(ctx, "Webinar invitation", "Small list")

    translations = Translations(app)
    translations.apply("en")
    services = make_services(ctx)
    services.translations = translations
    from mailapp.ui.window.main_window import MainWindow

    window = MainWindow(services)
    window.resize(1360, 780)
    supervisor = supervise_worker(services, window)
    services.bridge.start()
    window.show()
    pump(500)

    lifecycle.start(ctx, done_id)
    lifecycle.start(ctx, stopped_id)
    wait_for(lambda: state(ctx, done_id) is MailingState.COMPLETED)
    wait_for(lambda: mailings.get(ctx, stopped_id).handed_over >= 30)
    stops.stop(ctx, stopped_id)
    wait_for(lambda: state(ctx, stopped_id) is MailingState.STOPPED)
    campaign_id = campaign(ctx)
    lifecycle.start(ctx, newsletter)
    wait_for(lambda: mailings.get(ctx, newsletter).handed_over >= 60)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "45")
    lifecycle.start(ctx, waiting_id)
    wait_for(lambda: state(ctx, waiting_id) is MailingState.WAITING)
    pump(3000)
    # Sending is slowed to 1 a second so that nothing moves during the shots.
    settings_service.set_value(ctx, "SendRatePerSecond", "1")

    for language in ("en", "ru"):
        for toast in window.toasts.toasts:
            toast.dismiss()
        translations.apply(language)
        window.select_mailing(newsletter)
        pump(1200)
        save(window, "main-window", language)
        save(window.journal, "journal-dock", language)

        window.select_mailing(waiting_id)
        pump(300)
        window.stop_sending()
        dialog = capture_dialog(window)
        save(dialog, "pause-dialog", language)
        dialog.cancel_button.click()
        pump(300)

        window.select_mailing(newsletter)
        pump(300)
        window.stop_sending()
        dialog = capture_dialog(window)
        save(dialog, "stop-dialog", language)
        dialog.cancel_button.click()
        pump(300)

        window.select_mailing(waiting_id)
        pump(300)
        window.toasts.show_toast(
            QCoreApplication.translate("screenshots", "Webinar invitation"),
            window.journal.model.data(window.journal.model.index(0, 2)),
        )
        pump(600)
        save(window, "toast", language)

        for toast in window.toasts.toasts:
            toast.dismiss()
        window.nav.setCurrentRow(window.PAGE_CAMPAIGNS)
        wait_for(lambda: window.campaigns_page.select_campaign(campaign_id), 10)
        pump(1200)
        save(window, "campaigns", language)

        window.nav.setCurrentRow(window.PAGE_CONTACTS)
        contacts_page = window._contacts_page
        assert contacts_page is not None
        wait_for(partial(contacts_page.model.is_page_loaded, 0), 10)
        contacts_page.table.selectRow(2)
        pump(800)
        save(window, "contacts", language)
        window.nav.setCurrentRow(window.PAGE_MAILINGS)
        pump(300)

    supervisor.terminate()
    window.close()
    from mailapp.ui.app import finish

    finish(services, None)
    home.cleanup()
    sys.stdout.flush()
    # Skip interpreter finalisation: tearing down the Qt wrappers at exit
    # has crashed in PySide6 here, and there is nothing left to clean up.
    os._exit(0)


def capture_dialog(window: QWidget) -> QWidget:
    found: list[QWidget] = []
    window.commands.dialog_opened.connect(found.append)
    wait_for(lambda: bool(found), 10)
    window.commands.dialog_opened.disconnect(found.append)
    pump(300)
    return found[0]


if __name__ == "__main__":
    raise SystemExit(main())
