"""The CSV import on a real database (SQLite, and PostgreSQL when set).

Every whole-file refusal is checked to leave the database exactly as it was.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mailapp.models import Contact, Folder, FolderMember, Refused
from mailapp.models.validation import email_status
from mailapp.services import contact_import, contacts, csv_import
from mailapp.services.context import AppContext
from mailapp.services.csv_import import classify_email, field_key


def write(tmp_path: Path, data: str | bytes, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.db.read() as s:
        return (
            int(s.scalar(select(func.count(Contact.id))) or 0),
            int(s.scalar(select(func.count(Folder.id))) or 0),
            int(s.scalar(select(func.count(FolderMember.id))) or 0),
        )


def refuse(ctx: AppContext, path: Path, code: str, **kwargs: object) -> Refused:
    before = counts(ctx)
    with pytest.raises(Refused) as info:
        contact_import.import_csv(ctx, path, folder="Imported", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code, info.value.message
    assert counts(ctx) == before
    return info.value


def seed(ctx: AppContext) -> None:
    contacts.add_contact(ctx, "kept@example.com", "Kept", folder="Old")


def test_basic_import_with_fields_and_folder(ctx: AppContext, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Email,First Name,last_name,City,Order date\n"
        "anna@example.com,Anna,Li,Kazan,2024-01-02\n"
        "boris@example.org,Boris,,Oslo,\n",
    )
    report = contact_import.import_csv(ctx, path, folder="Spring")
    assert report.as_json() == {
        "imported": 2,
        "updated": 0,
        "invalid": 0,
        "duplicates": 0,
        "errors": [],
    }
    rows = contacts.list_contacts(ctx, folder="Spring")
    assert [(r.email, r.first_name, r.last_name) for r in rows] == [
        ("anna@example.com", "Anna", "Li"),
        ("boris@example.org", "Boris", ""),
    ]
    assert rows[0].fields == {"city": "Kazan", "order_date": "2024-01-02"}
    assert rows[1].fields == {"city": "Oslo", "order_date": ""}
    assert all(r.email_status == "valid" for r in rows)


def test_semicolon_bom_and_tab(ctx: AppContext, tmp_path: Path) -> None:
    semi = write(tmp_path, "\ufeffEMAIL ; first_name\r\na@example.com;Anna\r\n", "semi.csv")
    assert csv_import.preview_csv(semi).delimiter == ";"
    assert contact_import.import_csv(ctx, semi).imported == 1
    tab = write(tmp_path, "email\tfirst_name\nb@example.com\tBo\n", "tab.csv")
    assert csv_import.preview_csv(tab).delimiter == "\t"
    assert contact_import.import_csv(ctx, tab).imported == 1
    assert [r.first_name for r in contacts.list_contacts(ctx)] == ["Anna", "Bo"]


def test_cp1251_and_utf16(ctx: AppContext, tmp_path: Path) -> None:
    text = "email;first_name;Город\nivan@example.com;Иван;Москва\n"
    path = write(tmp_path, text.encode("cp1251"))
    assert csv_import.preview_csv(path).encoding == "cp1251"
    contact_import.import_csv(ctx, path)
    [row] = contacts.list_contacts(ctx)
    assert (row.first_name, row.fields) == ("Иван", {"город": "Москва"})
    wide = write(tmp_path, "email\tfirst_name\nolga@example.com\tОльга\n".encode("utf-16"), "w.csv")
    assert contact_import.import_csv(ctx, wide).imported == 1


def test_invalid_missing_and_duplicate_rows(ctx: AppContext, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "email,first_name\n"
        "good@example.com,First\n"
        "not an address,Bad\n"
        ",Nobody\n"
        "GOOD@example.com,Second\n"
        "\n"
        "x@localhost,Local\n",
    )
    report = contact_import.import_csv(ctx, path)
    assert (report.imported, report.invalid, report.duplicates) == (1, 3, 1)
    assert report.as_json() == {
        "imported": 1,
        "updated": 0,
        "invalid": 3,
        "duplicates": 1,
        "errors": report.errors,
    }
    assert any(e.startswith("Line 3:") and "not a valid" in e for e in report.errors)
    assert any(e.startswith("Line 4:") and "no email" in e for e in report.errors)
    assert any(e.startswith("Line 5:") and "repeats line 2" in e for e in report.errors)
    # Refused rows say why and that they were not imported.
    [bad] = [e for e in report.errors if e.startswith("Line 3:")]
    assert "'not an address'" in bad and "skipped" in bad and "@" in bad
    [local] = [e for e in report.errors if e.startswith("Line 7:")]
    assert "'x@localhost'" in local and "skipped" in local
    # Invalid addresses never become contacts.
    assert [(r.email, r.first_name) for r in contacts.list_contacts(ctx)] == [
        ("good@example.com", "First")
    ]
    assert [(p.line, p.code) for p in report.problems] == [
        (3, "email_invalid"),
        (4, "no_email"),
        (5, "duplicate"),
        (7, "email_invalid"),
    ]


def test_invalid_address_repeated_is_refused_each_time(ctx: AppContext, tmp_path: Path) -> None:
    """A refused row claims no address: its repetition is refused too, as
    invalid, not reported as a duplicate of a row that was never stored."""
    path = write(tmp_path, "email\nbad@@example.com\nBAD@@example.com\nok@example.com\n")
    report = contact_import.import_csv(ctx, path)
    assert (report.imported, report.invalid, report.duplicates) == (1, 2, 0)
    assert contacts.count_contacts(ctx) == 1


def test_an_address_with_a_line_break_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path, 'email,first_name\n"a@example.com\nBcc: x@evil.com",Anna\n')
    report = contact_import.import_csv(ctx, path, folder="F")
    assert (report.imported, report.invalid) == (0, 1)
    assert report.errors[0].startswith("Line 2:") and "line break" in report.errors[0]
    assert contacts.count_contacts(ctx) == 0


def test_line_breaks_in_names_never_stored(ctx: AppContext, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'email,first_name,last_name\na@example.com,"Anna\r\nBcc: x@evil.com","Li\nLo"\n'
        "b@example.com,Bo,\n",
    )
    report = contact_import.import_csv(ctx, path)
    assert report.imported == 2
    [a, _] = contacts.list_contacts(ctx)
    assert (a.first_name, a.last_name) == ("Anna Bcc: x@evil.com", "Li Lo")
    assert report.errors and report.errors[0].startswith("Line 2:")


def test_reimport_updates_and_keeps(ctx: AppContext, tmp_path: Path) -> None:
    first = write(tmp_path, "email,first_name,city,plan\na@example.com,Anna,Kazan,free\n", "1.csv")
    contact_import.import_csv(ctx, first, folder="A")
    cid = contacts.contact_ids(ctx)[0]
    contacts.set_unsubscribed(ctx, [cid], True)
    second = write(
        tmp_path, "email,first_name,city,plan\nA@EXAMPLE.com,,Oslo,\nn@example.com,New,,\n", "2.csv"
    )
    report = contact_import.import_csv(ctx, second, folder="B")
    assert (report.imported, report.updated) == (1, 1)
    row = contacts.contacts_by_ids(ctx, [cid])[0]
    assert row.first_name == "Anna"  # an empty cell never erases
    assert row.fields == {"city": "Oslo", "plan": "free"}
    assert row.unsubscribed  # an import never re-subscribes
    assert row.folders == ("A", "B")
    again = contact_import.import_csv(ctx, second, folder="B")
    assert (again.imported, again.updated) == (0, 2)
    assert contacts.count_contacts(ctx, folder="B") == 2


def test_update_existing_takes_the_file_s_names(ctx: AppContext, tmp_path: Path) -> None:
    """The default ("Update existing contacts"), which the command line keeps."""
    cid = contacts.add_contact(ctx, "kept@example.com", "Kept", "Old", folder="Old")
    path = write(tmp_path, "email,first_name,city\nKEPT@example.com,Other,Oslo\n")
    report = contact_import.import_csv(ctx, path, folder="New")
    assert (report.imported, report.updated, report.skipped) == (0, 1, 0)
    row = contacts.get_contact(ctx, cid)
    assert (row.first_name, row.last_name, row.fields) == ("Other", "Old", {"city": "Oslo"})
    assert row.folders == ("New", "Old")


def test_skip_existing_changes_nothing_existing(ctx: AppContext, tmp_path: Path) -> None:
    """With "Skip existing contacts" a stored contact keeps its names, fields and
    folders (it is not put into the import's folder either); only new
    addresses are added."""
    cid = contacts.add_contact(ctx, "kept@example.com", "Kept", "Old", folder="Old")
    contacts.update_contact(ctx, cid, fields={"city": "Kazan"})
    before = contacts.get_contact(ctx, cid)
    with ctx.db.read() as s:
        stamp = s.get(Contact, cid).updated_at  # type: ignore[union-attr]
    path = write(
        tmp_path,
        "email,first_name,last_name,city\n"
        "KEPT@example.com,Other,New,Oslo\n"
        "fresh@example.com,Fresh,,Moscow\n",
    )
    report = contact_import.import_csv(ctx, path, folder="New", update_existing=False)
    assert (report.imported, report.updated, report.skipped) == (1, 0, 1)
    assert set(report.as_json()) == {"imported", "updated", "invalid", "duplicates", "errors"}
    after = contacts.get_contact(ctx, cid)
    assert after == before and after.fields == {"city": "Kazan"}
    assert after.folders == ("Old",)
    with ctx.db.read() as s:
        assert s.get(Contact, cid).updated_at == stamp  # type: ignore[union-attr]
    [fresh] = contacts.list_contacts(ctx, folder="New")
    assert (fresh.email, fresh.first_name, fresh.fields) == (
        "fresh@example.com",
        "Fresh",
        {"city": "Moscow"},
    )


def test_check_counts_existing_contacts_and_stores_nothing(ctx: AppContext, tmp_path: Path) -> None:
    contacts.add_contact(ctx, "a@example.com", "Anna")
    contacts.add_contact(ctx, "b@example.com", "Boris")
    rows = "".join(f"user{i}@example.com\n" for i in range(25_000))
    path = write(
        tmp_path,
        "email\nA@EXAMPLE.com\n" + rows + "b@example.com\nbad address\na@example.com\n",
    )
    before = counts(ctx)
    check = contact_import.check_import(ctx, path)
    assert counts(ctx) == before
    assert (check.existing, check.new, check.invalid, check.duplicates) == (2, 25_000, 1, 1)
    assert [(p.line, p.code) for p in check.problems] == [
        (25_004, "email_invalid"),
        (25_005, "duplicate"),
    ]


def test_mapping(ctx: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path, "Adresse,Vorname,Notes\na@example.com,Anna,x\n")
    refuse(ctx, path, "import_no_email_column")
    report = contact_import.import_csv(
        ctx, path, mapping={"Adresse": "email", "Vorname": "first_name", "Notes": ""}
    )
    assert report.imported == 1
    [row] = contacts.list_contacts(ctx)
    assert (row.first_name, row.fields) == ("Anna", {})


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "import_empty"),
        ("\n\n", "import_empty"),
        ("email,first_name\n", "import_no_rows"),
        ("email,first_name\n\n,\n", "import_no_rows"),
        ("name,phone\nAnna,123\n", "import_no_email_column"),
        ("first_name\nAnna\n", "import_no_email_column"),
        ('email,first_name\na@example.com,"Anna\nb@example.com,Bo\n', "import_broken_quoting"),
        ('email,first_name\na@example.com,"An"na\n', "import_broken_quoting"),
        ("email,first_name\na@example.com,Anna,extra\n", "import_extra_values"),
        ("email,e-mail\na@example.com,b@example.com\n", "import_duplicate_column"),
        (b"email\n\xff\xfe\x98bad\n", "import_encoding"),
        (b"email\na@example.com\n\x00\x01\x02", "import_not_text"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "import_not_text"),
    ],
)
def test_whole_file_errors_change_nothing(
    ctx: AppContext, tmp_path: Path, data: str | bytes, code: str
) -> None:
    seed(ctx)
    refuse(ctx, write(tmp_path, data), code)


def test_error_late_in_file_rolls_back(ctx: AppContext, tmp_path: Path) -> None:
    seed(ctx)
    rows = "".join(f"user{i}@example.com,Name{i}\n" for i in range(25_000))
    path = write(tmp_path, "email,first_name\n" + rows + 'late@example.com,"never closed\n')
    error = refuse(ctx, path, "import_broken_quoting")
    assert "25002" in error.message


def test_trailing_empty_cells_are_fine(ctx: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path, "email,first_name,\na@example.com,Anna,,\nb@example.com\n")
    assert contact_import.import_csv(ctx, path).imported == 2


def test_missing_file(ctx: AppContext, tmp_path: Path) -> None:
    refuse(ctx, tmp_path / "nope.csv", "import_no_file")


def test_cancel_changes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    seed(ctx)
    rows = "".join(f"user{i}@example.com,N\n" for i in range(30_000))
    path = write(tmp_path, "email,first_name\n" + rows)
    cancel = threading.Event()
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 2:
            cancel.set()

    refuse(ctx, path, "import_cancelled", progress=progress, cancel=cancel)
    assert calls[0][1] == 30_000


def test_progress_reaches_total(ctx: AppContext, tmp_path: Path) -> None:
    rows = "".join(f"user{i}@example.com\n" for i in range(25_000))
    calls: list[tuple[int, int]] = []
    contact_import.import_csv(
        ctx, write(tmp_path, "email\n" + rows), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (25_000, 25_000)
    assert len(calls) >= 3
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.slow
def test_fifty_megabytes(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rng = random.Random(1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("email,first_name,last_name,city\n")
        i = 0
        while handle.tell() < 50 * 1024 * 1024:
            lines = [
                f"person{i + k}.{rng.randrange(999)}@mail{rng.randrange(300)}.example.com,"
                f"Firstname{k},Lastname{k},City number {k % 50}\n"
                for k in range(10_000)
            ]
            handle.writelines(lines)
            i += 10_000
    report = contact_import.import_csv(ctx, path, folder="Big")
    assert report.imported == i
    assert (report.invalid, report.duplicates, report.errors) == (0, 0, [])
    assert contacts.count_contacts(ctx, folder="Big") == i


ADDRESSES = [
    "a@example.com",
    "A.B-c_d+e@Sub.Example.COM",
    "x@localhost",
    "x@test",
    "x@foo.test",
    "x@foo.local",
    "x@1.2.3.4",
    "x@example.123",
    ".x@example.com",
    "x.@example.com",
    "x..y@example.com",
    "x@-example.com",
    "x@example-.com",
    "x@ab--cd.com",
    "x@xn--80ak6aa92e.com",
    "x@exa_mple.com",
    "o'brien@example.ie",
    "a=b@example.com",
    "иван@пример.рф",
    "user@example.com.",
    "x@" + "a" * 64 + ".com",
    "a" * 65 + "@example.com",
    "a" * 240 + "@example.com",
    '"quoted"@example.com',
    "x@[127.0.0.1]",
    "postmaster@example.com",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_fast_check_agrees_with_email_status(address: str) -> None:
    status, _, key = classify_email(address)
    assert status == email_status(address)
    assert key == key.lower()


def test_fast_check_agrees_on_random_addresses() -> None:
    rng = random.Random(5)
    alphabet = "abcXYZ019.-_+'=@!#ÿд "
    for _ in range(3000):
        local = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 8)))
        domain = "".join(rng.choice("abc019.-_Z") for _ in range(rng.randrange(1, 10)))
        address = f"{local}@{domain}.{rng.choice(['com', 'ru', 'c', '1a', 'test', 'Org'])}"
        assert classify_email(address.strip())[0] == email_status(address), address


def test_field_keys_are_template_identifiers() -> None:
    assert field_key("Order date") == "order_date"
    assert field_key(" 2nd phone ") == "f_2nd_phone"
    assert field_key("Город") == "город"
    assert field_key("for") == "for_"
    assert field_key("---") == ""
    assert all(field_key(h).isidentifier() for h in ["a b", "ä-ö", "1", "x.y", "E-mail"])
