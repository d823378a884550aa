"""The CSV import wizard: a broken file changes nothing, a good one imports,
and a cancelled import leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from mailapp.services import contacts, folders
from mailapp.ui.contacts.import_wizard import ImportWizard
from mailapp.ui.services import AppServices


def _wizard(
    qtbot, services: AppServices, path: Path, folder: str | None = "Imported"
) -> ImportWizard:
    wizard = ImportWizard(services, [], None)
    qtbot.addWidget(wizard)
    wizard.restart()  # what show() does; the offscreen platform warns on show
    wizard.file_page.path.setText(str(path))
    if folder:
        wizard.file_page.folder.setEditText(folder)
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    return wizard


def test_broken_file_gives_a_clear_message_and_imports_nothing(
    qtbot, services: AppServices, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('email,first_name\n"a@example.com,Anna\nb@example.com,Boris\n')
    wizard = _wizard(qtbot, services, path)
    page = wizard.preview_page
    qtbot.waitUntil(lambda: page.error.isVisibleTo(wizard), timeout=5000)
    assert "quote" in page.error.text()
    assert "nothing was imported" in page.info.text().lower()
    assert not page.isComplete()
    wizard.next()
    assert wizard.currentPage() is page
    assert contacts.count_contacts(services.ctx) == 0


def test_binary_file_is_refused(qtbot, services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    wizard = _wizard(qtbot, services, path)
    qtbot.waitUntil(lambda: wizard.preview_page.error.isVisibleTo(wizard), timeout=5000)
    assert wizard.preview_page.error.text()
    assert contacts.count_contacts(services.ctx) == 0


def test_good_file_imports_with_counts(qtbot, services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "good.csv"
    path.write_text(
        "E-mail;Имя;Фамилия;Город\n"
        "anna@example.com;Анна;Петрова;Москва\n"
        "boris@example.com;Борис;Иванов;Казань\n"
        "not-an-address;X;Y;Z\n"
        "ANNA@example.com;Анна;Петрова;Москва\n",
        encoding="utf-8",
    )
    wizard = _wizard(qtbot, services, path)
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=5000)
    assert "semicolon" in wizard.preview_page.info.text()
    wizard.next()
    mapping = wizard.mapping_page
    assert mapping.isComplete()
    # Map the name columns the detection did not know.
    mapping.combos[1].setCurrentIndex(mapping.combos[1].findData("first_name"))
    mapping.combos[2].setCurrentIndex(mapping.combos[2].findData("last_name"))
    assert mapping.mapping()["Город"] == "город"
    wizard.next()
    summary = wizard.summary_page
    qtbot.waitUntil(summary.isComplete, timeout=5000)
    assert "Repeated addresses (skipped): 1" in summary.summary.text()
    # The refused row: its line and why, and that it is not imported.
    problems = summary.problems.toPlainText().splitlines()
    assert problems[0].startswith("Line 4: “not-an-address” is not a valid email address")
    assert problems[0].endswith("The row is not imported.")
    assert problems[1] == "Line 5: ANNA@example.com repeats line 2; the row is skipped."
    assert contacts.count_contacts(services.ctx) == 0  # the check stores nothing
    with qtbot.waitSignal(wizard.imported, timeout=10000) as blocker:
        wizard.next()
    report = blocker.args[0]
    assert (report.imported, report.invalid, report.duplicates) == (2, 1, 1)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=5000)
    assert "New contacts: 2" in wizard.result_page.summary.text()
    assert wizard.result_page.errors.toPlainText().startswith("Line 4: “not-an-address”")
    assert contacts.list_contacts(services.ctx, search="not-an-address") == []
    anna = contacts.list_contacts(services.ctx, search="anna")[0]
    assert (anna.first_name, anna.folders, anna.fields["город"]) == (
        "Анна",
        ("Imported",),
        "Москва",
    )
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_mapping_needs_one_email_column(qtbot, services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("email,backup\na@example.com,b@example.com\n")
    wizard = _wizard(qtbot, services, path)
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=5000)
    wizard.next()
    mapping = wizard.mapping_page
    mapping.combos[1].setCurrentIndex(mapping.combos[1].findData("email"))
    assert not mapping.isComplete()
    assert "exactly one" in mapping.error.text()


def test_cancel_mid_import_changes_nothing(qtbot, services: AppServices, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        fh.write("email,first_name\n")
        for n in range(120_000):
            fh.write(f"user{n}@example.com,Name{n}\n")
    wizard = _wizard(qtbot, services, path)
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=5000)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(wizard.summary_page.isComplete, timeout=30000)
    wizard.next()
    page = wizard.import_page
    assert wizard.currentPage() is page
    # Cancel as soon as the first progress report arrives.
    qtbot.waitUntil(lambda: page.bar.maximum() > 0, timeout=30000)
    page.cancel_button.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=30000)
    assert "cancelled" in wizard.result_page.summary.text()
    assert contacts.count_contacts(services.ctx) == 0
    assert folders.list_folders(services.ctx) == []
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisibleTo(wizard)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def _to_summary(qtbot, services: AppServices, path: Path, folder: str | None = "Imported"):  # type: ignore[no-untyped-def]
    wizard = _wizard(qtbot, services, path, folder)
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=5000)
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page
    qtbot.waitUntil(wizard.summary_page.isComplete, timeout=10000)
    return wizard


def _existing_file(services: AppServices, tmp_path: Path) -> tuple[int, Path]:
    cid = contacts.add_contact(services.ctx, "kept@example.com", "Kept", "Old", folder="Old")
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name\n"
        "KEPT@example.com,Other,New\n"
        "fresh@example.com,Fresh,\n"
        "fresh2@example.com,Fresh,\n",
        encoding="utf-8",
    )
    return cid, path


def test_summary_counts_existing_contacts_and_updates_them_by_default(
    qtbot, services: AppServices, tmp_path: Path
) -> None:
    cid, path = _existing_file(services, tmp_path)
    wizard = _to_summary(qtbot, services, path)
    page = wizard.summary_page
    text = page.summary.text()
    assert "New contacts to add: 2" in text
    assert "Existing contacts the file will update: 1" in text
    assert page.update_existing.isChecked() and not page.skip_existing.isChecked()
    assert page.update_existing.text() == "Update existing contacts"
    assert page.skip_existing.text() == "Skip existing contacts"
    with qtbot.waitSignal(wizard.imported, timeout=10000) as blocker:
        wizard.next()
    assert (blocker.args[0].imported, blocker.args[0].updated) == (2, 1)
    row = contacts.get_contact(services.ctx, cid)
    assert (row.first_name, row.last_name, row.folders) == ("Other", "New", ("Imported", "Old"))
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_skip_existing_leaves_them_unchanged(qtbot, services: AppServices, tmp_path: Path) -> None:
    cid, path = _existing_file(services, tmp_path)
    before = contacts.get_contact(services.ctx, cid)
    wizard = _to_summary(qtbot, services, path)
    page = wizard.summary_page
    page.skip_existing.click()
    text = page.summary.text()
    assert "Existing contacts that will be skipped: 1" in text
    assert "will update" not in text
    with qtbot.waitSignal(wizard.imported, timeout=10000) as blocker:
        wizard.next()
    report = blocker.args[0]
    assert (report.imported, report.updated, report.skipped) == (2, 0, 1)
    assert contacts.get_contact(services.ctx, cid) == before
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=5000)
    result = wizard.result_page.summary.text()
    assert "Updated contacts: 0" in result and "Existing contacts skipped: 1" in result
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
