"""The small pages of the unsubscribe endpoint, in English and Russian.

The recipient reads them, not the marketer, so they follow the recipient:
the contact's ``language`` field when it has one, else what their browser
asks for (``Accept-Language``), else English. They carry no script, load
nothing, and tell the browser to keep the link to itself (the token is in
the address).
"""

from __future__ import annotations

from html import escape

from mailapp.services.unsubscribe import LinkInfo, Verdict

LANGUAGES = ("en", "ru")

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Unsubscribe",
        "ask": "Stop sending emails to {email}? The link came in “{mailing}”.",
        "ask_plain": "Stop sending emails to {email}?",
        "button": "Unsubscribe",
        "done": "{email} is unsubscribed. You will not receive these emails any more.",
        "already": "{email} is already unsubscribed.",
        "invalid": "This unsubscribe link is not valid. Check that it was copied whole, "
        "or use the link in a newer email.",
        "expired": "This unsubscribe link has expired. Use the link in a newer email, "
        "or reply to the sender.",
        "gone": "This link belongs to no subscription any more (the mailing was deleted, "
        "or it came in a test email). Nothing was changed.",
        "not_one_click": "This request did not ask to unsubscribe (it lacks "
        "List-Unsubscribe=One-Click). Nothing was changed.",
        "slow": "The request took too long. Nothing was changed; please try again.",
    },
    "ru": {
        "title": "Отписка",
        "ask": "Больше не присылать письма на {email}? Ссылка пришла в письме «{mailing}».",
        "ask_plain": "Больше не присылать письма на {email}?",
        "button": "Отписаться",
        "done": "Адрес {email} отписан. Эти письма больше не будут приходить.",
        "already": "Адрес {email} уже отписан.",
        "invalid": "Эта ссылка для отписки недействительна. Проверьте, что она скопирована "
        "целиком, или воспользуйтесь ссылкой из более нового письма.",
        "expired": "Срок действия этой ссылки для отписки истёк. Воспользуйтесь ссылкой "
        "из более нового письма или ответьте отправителю.",
        "gone": "Эта ссылка больше не относится ни к одной подписке (рассылка удалена "
        "или письмо было тестовым). Ничего не изменено.",
        "not_one_click": "Этот запрос не просил отписки (в нём нет "
        "List-Unsubscribe=One-Click). Ничего не изменено.",
        "slow": "Запрос шёл слишком долго. Ничего не изменено; попробуйте ещё раз.",
    },
}

#: Headers of every page: no caching, no framing, no referrer with the token.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
}


def choose_language(contact_language: str, accept_language: str) -> str:
    """The contact's language if the page has it, else the browser's best, else English."""
    if contact_language in LANGUAGES:
        return contact_language
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, n, code))
    return min(ranked)[2] if ranked else "en"


def _page(language: str, paragraph: str, form: str = "") -> str:
    title = _TEXTS[language]["title"]
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em;"
        "line-height:1.5;color:#222}button{font-size:1.1em;padding:.5em 1.5em}</style>"
        f"</head><body><h1>{title}</h1><p>{paragraph}</p>{form}</body></html>\n"
    )


def _say(language: str, key: str, info: LinkInfo) -> str:
    return _TEXTS[language][key].format(email=escape(info.email), mailing=escape(info.mailing_name))


def question(language: str, info: LinkInfo) -> str:
    """The GET page of a good link: what would be unsubscribed, and the button."""
    if info.already_unsubscribed:
        return _page(language, _say(language, "already", info))
    key = "ask" if info.mailing_name else "ask_plain"
    form = (
        # No action: the form posts to the address the page was opened at,
        # whatever path a proxy in front of the worker publishes it under.
        '<form method="post">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{_TEXTS[language]["button"]}</button></form>'
    )
    return _page(language, _say(language, key, info), form)


def outcome(language: str, info: LinkInfo) -> str:
    """The page after a POST of a good link."""
    return _page(language, _say(language, "already" if info.already_unsubscribed else "done", info))


def refusal(language: str, key: str) -> str:
    """The page of a link or request that changed nothing."""
    return _page(language, _TEXTS[language][key])


def refusal_for(verdict: Verdict) -> str:
    """The text key of a link that is not valid."""
    return {
        Verdict.INVALID: "invalid",
        Verdict.EXPIRED: "expired",
        Verdict.GONE: "gone",
    }[verdict]
