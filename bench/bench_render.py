"""Per-message cost of rendering a template and building the message bytes.

Usage: python bench/bench_render.py [MESSAGES]

For a typical 2–5 KB HTML body with a personalised subject and greeting
(one English and one Russian template), times

* **old**: the rendered HTML converted to text by html2text for every
  message, and the message built with the ``email`` package
  (``EmailMessage`` + ``set_content`` + ``as_bytes``);
* **new**: :meth:`CompiledTemplate.render` and :func:`build_message` as
  they are in this checkout.

Each figure is the median of five rounds, in microseconds of CPU time per
message (CPU time, so that other load on the machine counts less).
Prints one Markdown table row per template.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import html2text

# Import the package from this checkout, whatever the current folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailapp.delivery.message import (
    POLICY,
    _address,
    build_message,
    make_message_id,
    unsubscribe_headers,
)
from mailapp.delivery.render import compile_template
from mailapp.models.base import utcnow

ROUNDS = 5

EN_ITEM = """
  <tr>
    <td style="padding:8px"><a href="https://shop.example.com/p/{{ loop.index }}?utm_source=mail">
      <b>Item {{ loop.index }}</b></a></td>
    <td style="padding:8px">Our best seller this spring, now with free delivery.</td>
  </tr>"""
EN = (
    "<html><body>\n<h1>Hello, {{ contact.first_name or 'friend' }}!</h1>\n"
    "<p>Spring is here, and so is our <b>biggest sale</b> of the year. "
    "As a {{ contact.plan }} member in {{ contact.city }} you get early access "
    "to everything below, with an extra 10% off at checkout.</p>\n"
    "<table>{% for i in range(10) %}" + EN_ITEM + "{% endfor %}</table>\n"
    "<ul>\n<li>Free returns within 30 days</li>\n<li>Delivery in 2–3 days</li>\n"
    "<li>Gift wrapping on request</li>\n</ul>\n"
    "{% if contact.plan == 'Gold' %}<p><i>Gold members also get a free gift.</i></p>{% endif %}\n"
    "<p>Questions? Just reply to this mail or call us at +1 555 0100.</p>\n"
    '<p style="font-size:11px;color:#888">You receive this because you subscribed at '
    'shop.example.com. <a href="{{ unsubscribe_url }}">Unsubscribe</a>.</p>\n'
    "</body></html>"
)
RU = (
    "<html><body>\n<h1>Здравствуйте, {{ contact.first_name }} {{ contact.last_name }}!</h1>\n"
    "<p>Весна пришла, а вместе с ней — <b>самая большая распродажа</b> года. "
    "Для участников программы «{{ contact.plan }}» из города {{ contact.city }} — ранний "
    "доступ ко всем товарам и дополнительная скидка 10% при оформлении заказа.</p>\n"
    "<ol>{% for name in ['Чайник', 'Плед', 'Лампа', 'Кружка', 'Ваза', 'Свеча', 'Часы'] %}\n"
    '<li><a href="https://shop.example.com/p/{{ loop.index }}">{{ name }}</a> — '
    "хит продаж этой весны, бесплатная доставка по всей стране.</li>{% endfor %}\n</ol>\n"
    "<p>Возврат в течение 30 дней, доставка за 2–3 дня, подарочная упаковка по запросу. "
    "Если у вас есть вопросы, просто ответьте на это письмо или позвоните нам.</p>\n"
    "<blockquote>Лучший магазин года — по версии наших покупателей.</blockquote>\n"
    '<p style="font-size:11px;color:#888">Вы получили это письмо, потому что подписались '
    'на рассылку. <a href="{{ unsubscribe_url }}">Отписаться</a>.</p>\n'
    "</body></html>"
)
TEMPLATES = {
    "English": ("{{ contact.first_name }}, spring sale: up to 50% off", EN),
    "Russian": ("{{ contact.first_name }}, весенняя распродажа: скидки до 50%", RU),
}
CONTACTS = [
    {
        "first_name": name,
        "last_name": "Иванова" if i % 2 else "Smith",
        "email": f"user{i}@mail{i % 50}.example.com",
        "fields": {"city": "Москва" if i % 3 else "Berlin", "plan": "Gold" if i % 2 else "Basic"},
    }
    for i, name in enumerate(["Анна", "Boris", "Chloe", "Дмитрий", "Elena", "Фатима"] * 50)
]
SENDER = ("Магазин «Весна»", "news@shop.example.com")


def old_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.unicode_snob = True
    converter.ignore_images = True
    converter.protect_links = True
    return converter.handle(html).strip() + "\n"


def old_build(**values: Any) -> bytes:
    """The builder as it was: the ``email`` package from start to end."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = _address(values["sender_name"], values["sender_email"], "Sender")
    msg["To"] = _address("", values["to"], "Recipient")
    msg["Subject"] = values["subject"]
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = values["message_id"]
    msg["MIME-Version"] = "1.0"
    for name, value in unsubscribe_headers(
        values["unsubscribe_url"], values["sender_email"]
    ).items():
        msg[name] = value
    msg["X-Mailapp-Mailing"] = str(values["mailing_id"])
    msg.make_alternative()
    for content, subtype in ((values["text"], "plain"), (values["html"], "html")):
        part = MIMEPart(policy=POLICY)
        part.set_content(content, subtype=subtype, charset="utf-8")
        msg.attach(part)  # type: ignore[arg-type]
    return msg.as_bytes()


def per_message_us(run: Callable[[Any], object], items: list[Any], count: int) -> float:
    rounds = []
    for _ in range(ROUNDS):
        batch = [items[i % len(items)] for i in range(count)]
        start = time.process_time()
        for item in batch:
            run(item)
        rounds.append((time.process_time() - start) / count * 1e6)
    return statistics.median(rounds)


def bench_template(label: str, subject: str, html: str, count: int) -> None:
    template = compile_template(subject, html)
    old_count = max(count // 10, 20)

    def url(contact: dict[str, Any]) -> str:
        return f"https://shop.example.com/u?e={contact['email']}&t=0f3a9c"

    def old_render(contact: dict[str, Any]) -> object:
        rendered = template.render(contact, "Spring sale", url(contact))
        return old_text(rendered.html)

    def new_render(contact: dict[str, Any]) -> object:
        return template.render(contact, "Spring sale", url(contact))

    messages = []
    for contact in CONTACTS:
        rendered = template.render(contact, "Spring sale", url(contact))
        messages.append(
            {
                "sender_name": SENDER[0],
                "sender_email": SENDER[1],
                "to": contact["email"],
                "subject": rendered.subject,
                "html": rendered.html,
                "text": rendered.text,
                "message_id": make_message_id("shop.example.com"),
                "unsubscribe_url": url(contact),
                "mailing_id": 42,
            }
        )
    size = len(messages[0]["html"].encode())
    o_render = per_message_us(old_render, CONTACTS, old_count)
    n_render = per_message_us(new_render, CONTACTS, count)
    o_build = per_message_us(lambda values: old_build(**values), messages, old_count)
    n_build = per_message_us(lambda values: build_message(**values), messages, count)
    print(
        f"| {label} | {size} | {o_render:.0f} | {n_render:.0f} | {o_build:.0f} "
        f"| {n_build:.0f} | {o_render + o_build:.0f} | {n_render + n_build:.0f} |"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(
        "| template | HTML bytes | old render µs | new render µs | old build µs "
        "| new build µs | old total µs | new total µs |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, (subject, html) in TEMPLATES.items():
        bench_template(label, subject, html, count)


if __name__ == "__main__":
    main()
