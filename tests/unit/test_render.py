"""Templates: personalisation, errors a marketer can act on, and the sandbox."""

from __future__ import annotations

import pytest

from mailapp.delivery.render import TemplateProblem, compile_template

CONTACT = {
    "first_name": "Анна",
    "last_name": "Иванова",
    "email": "anna@example.org",
    "fields": {"city": "Москва", "plan": "Gold", "items": "3 books"},
}


def render(
    subject: str, html: str, contact: dict[str, object] | None = None
) -> tuple[str, str, str]:
    r = compile_template(subject, html).render(
        CONTACT if contact is None else contact, "Spring sale", "https://example.com/u?id=1&t=2"
    )
    return r.subject, r.html, r.text


def test_variables_and_custom_fields() -> None:
    subject, html, text = render(
        "{{ contact.first_name }}, {{ mailing.name }}",
        "<p>{{ contact.first_name }} {{ contact.last_name }} from {{ contact.city }}"
        " ({{ contact.email }}), plan {{ contact.plan }}, {{ contact.items }}</p>"
        '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    )
    assert subject == "Анна, Spring sale"
    assert "Анна Иванова from Москва (anna@example.org), plan Gold, 3 books" in html
    assert 'href="https://example.com/u?id=1&amp;t=2"' in html
    assert "Анна Иванова from Москва" in text
    assert "https://example.com/u?id=1&t=2" in text


def test_custom_fields_given_flat_and_builtin_fields_win() -> None:
    contact = {
        "email": "a@example.org",
        "first_name": "A",
        "city": "Kazan",
        "fields": {"email": "x"},
    }
    assert (
        render("{{ contact.city }} {{ contact.email }}", "x", contact)[0] == "Kazan a@example.org"
    )


def test_missing_fields_render_empty() -> None:
    subject, html, _ = render(
        "Hi {{ contact.nickname }}!", "<p>{{ contact.zip.code }}|{{ contact.first_name }}</p>", {}
    )
    assert subject == "Hi !"
    assert html == "<p>|</p>"


def test_fallback_for_a_missing_field() -> None:
    assert render("Hi {{ contact.first_name or 'friend' }}", "x", {})[0] == "Hi friend"


def test_none_values_render_empty() -> None:
    assert render("[{{ contact.first_name }}|{{ contact.age }}]", "x", {"age": None})[0] == "[|]"


def test_html_is_escaped_but_the_subject_is_not() -> None:
    contact = {"first_name": "<b>Tom & Jerry</b>"}
    subject, html, _ = render(
        "{{ contact.first_name }}", "<p>{{ contact.first_name }}</p>", contact
    )
    assert subject == "<b>Tom & Jerry</b>"
    assert html == "<p>&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</p>"


def test_cyrillic_text_part() -> None:
    _, _, text = render("s", "<h1>Привет, {{ contact.first_name }}!</h1><p>Скидка <b>20%</b></p>")
    assert "Привет, Анна!" in text
    assert "Скидка **20%**" in text


@pytest.mark.parametrize(
    ("subject", "html", "part", "line"),
    [
        ("Hi {{ contact.first_name ", "<p>ok</p>", "subject", 1),
        ("Hi", "<p>one</p>\n<p>two</p>\n{% if contact.city %}\n<p>four</p>", "body", 3),
        ("Hi", "<p>\n{{ contact.first_name }}}\n{% endfor %}</p>", "body", 3),
    ],
)
def test_syntax_error_names_the_part_and_line(
    subject: str, html: str, part: str, line: int
) -> None:
    with pytest.raises(TemplateProblem) as info:
        compile_template(subject, html)
    assert info.value.part == part
    assert info.value.line == line
    assert f"in the {part}, line {line}" in str(info.value)
    assert "syntax error" in str(info.value)


def test_unknown_top_level_variable_is_refused_at_compile_time() -> None:
    with pytest.raises(TemplateProblem) as info:
        compile_template("Hi", "<p>ok</p>\n<p>{{ contcat.first_name }}</p>")
    assert (info.value.part, info.value.line) == ("body", 2)
    assert "unknown variable contcat" in str(info.value)


def test_names_set_in_the_template_are_known() -> None:
    html = "{% set greeting = 'Hi' %}{% for i in range(2) %}{{ greeting }}{{ i }}{% endfor %}"
    assert render("s", html)[1] == "Hi0Hi1"


def test_multiline_subject_is_refused() -> None:
    with pytest.raises(TemplateProblem, match="single line"):
        compile_template("Hello\nBcc: x@example.com", "x")


def test_subject_with_a_line_break_from_contact_data_is_refused() -> None:
    template = compile_template("Hi {{ contact.first_name }}", "x")
    with pytest.raises(TemplateProblem, match="header injection") as info:
        template.render({"first_name": "Bob\r\nBcc: victim@example.com"}, "m", "u")
    assert info.value.part == "subject"


@pytest.mark.parametrize(
    ("html", "line", "words"),
    [
        ("<p>\n{{ 10 / contact.count|int }}</p>", 2, "ZeroDivisionError"),
        ("<p>{{ contact.price|round }}</p>", 1, "TypeError"),
    ],
)
def test_runtime_error_is_a_problem_of_this_contact(html: str, line: int, words: str) -> None:
    template = compile_template("s", html)
    with pytest.raises(TemplateProblem) as info:
        template.render({"count": "0", "price": "n/a"}, "m", "u")
    assert (info.value.part, info.value.line) == ("body", line)
    assert words in str(info.value)
    # the next contact renders fine with the same compiled template
    assert template.render({"count": "5", "price": 2.5}, "m", "u").html


@pytest.mark.parametrize(
    "html",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ contact['__class__'] }}",
        "{{ ''|attr('__class__') }}",
        "{{ mailing._data }}",
    ],
)
def test_the_sandbox_refuses_internal_attributes(html: str) -> None:
    with pytest.raises(TemplateProblem, match="not allowed"):
        compile_template("s", html).render(CONTACT, "m", "u")


def test_shared_data_cannot_be_changed_by_a_template() -> None:
    template = compile_template("s", "{{ contact.tags.append('x') }}")
    with pytest.raises(TemplateProblem):
        template.render({"fields": {"tags": []}}, "m", "u")


def test_compile_once_render_many() -> None:
    template = compile_template("Hi {{ contact.first_name }}", "<p>{{ contact.first_name }}</p>")
    results = [template.render({"first_name": f"n{i}"}, "m", "u") for i in range(500)]
    assert [r.subject for r in results[:3]] == ["Hi n0", "Hi n1", "Hi n2"]
    assert results[-1].html == "<p>n499</p>"


# -- the text part: cached conversions give what converting each message gives --


def reference_text(html: str) -> str:
    """The text part as defined: html2text over the rendered HTML."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.unicode_snob = True
    converter.ignore_images = True
    converter.protect_links = True
    return converter.handle(html).strip() + "\n"


TEXT_TEMPLATES = [
    "<h1>Привет, {{ contact.first_name }}!</h1><p>Скидка <b>20%</b> в {{ contact.city }}</p>",
    "<p>Hello {{ contact.first_name }} {{ contact.last_name }},</p>\n<p>Your plan: "
    '<i>{{ contact.plan }}</i>.</p>\n<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
    '<p>Link: <a href="{{ unsubscribe_url }}">{{ unsubscribe_url }}</a></p>',
    "<ul>{% for i in range(3) %}<li>{{ contact.first_name }} #{{ loop.index }}</li>"
    "{% endfor %}</ul>",
    "<ol>\n{% for x in ['a', 'b', 'c'] %}\n  <li><a href=\"https://e.example/{{ x }}\">{{ x }}"
    "</a> for {{ contact.first_name }}</li>\n{% endfor %}\n</ol>",
    "<table>{% for i in range(2) %}<tr><td>{{ i }}</td><td>{{ contact.city }}</td></tr>"
    "{% endfor %}</table>",
    "{% if contact.plan == 'Gold' %}<p><b>Gold</b> perks for {{ contact.first_name }}</p>"
    "{% else %}<p>Upgrade, {{ contact.first_name or 'friend' }}!</p>{% endif %}\n<p>Bye</p>",
    "<p><b>{{ contact.first_name }}</b>{{ contact.plan }}<em>{{ contact.city }}</em>.</p>",
    "<blockquote>{{ contact.first_name }}</blockquote><pre>{{ contact.city }}  x</pre>",
    "<p>{{ contact.bio|safe }}</p><p>{{ contact.first_name|upper }} {{ contact.age }}</p>",
    "{% filter upper %}<p>{{ contact.first_name }}</p>{% endfilter %}",
    "{% macro hi(n) %}<b>{{ n }}</b>{% endmacro %}<p>{{ hi(contact.first_name) }}</p>",
    "{% set x %}{{ contact.first_name }}{% endset %}<p>{{ x|length }} {{ x }}</p>",
    '<p title="{{ contact.first_name }}">Hi</p><img src="{{ unsubscribe_url }}" alt="x">',
    "<p>Total: {{ (contact.age or 0) * 2 }} — {{ 1.5 }} {{ contact.missing }}.</p>",
]
TEXT_CONTACTS = [
    CONTACT,
    {},
    {"first_name": "Bob", "fields": {"plan": "Gold", "city": "Kazan", "age": 7}},
    {"first_name": "1. Bob", "last_name": "a\nb", "fields": {"city": "*x* [y](z) \\ _"}},
    {"first_name": "- dash", "fields": {"city": "+ plus", "plan": "a  b", "age": -3}},
    {"first_name": "Tom & Jerry <tj>", "fields": {"city": 'O\'Hara "q"', "plan": ". dot"}},
    {"first_name": "https://x.example/a?b=1&c=2", "fields": {"bio": "<b>bold</b> & more"}},
    {"first_name": "  spaced  ", "fields": {"city": "\xa0nbsp\tcity", "plan": "(x)"}},
    {"first_name": "Łukasz", "fields": {"city": "München", "age": 1.25, "plan": "!"}},
]


@pytest.mark.parametrize("html", TEXT_TEMPLATES)
def test_text_part_is_html2text_of_the_rendered_html(html: str) -> None:
    from mailapp.delivery.render import _BODY_ENV, _contact_fields, _Record

    template = compile_template("s", html)
    plain = _BODY_ENV.from_string(html)
    url = "https://example.com/u?id=1&t=2"
    for _ in range(2):  # the second round uses the cached conversions
        for contact in TEXT_CONTACTS:
            rendered = template.render(contact, "Spring sale", url)
            html_out = plain.render(
                contact=_Record(_contact_fields(contact)),
                mailing=_Record({"name": "Spring sale"}),
                unsubscribe_url=url,
            )
            assert rendered.html == html_out
            assert rendered.text == reference_text(html_out)


def test_marker_like_values_do_not_confuse_the_text_part() -> None:
    template = compile_template("s", "<p>{{ contact.first_name }} {{ contact.city }}</p>")
    token = template._marked.token if template._marked else "none"  # type: ignore[attr-defined]
    contact = {"first_name": f"{token}0q", "fields": {"city": "Oslo"}}
    rendered = template.render(contact, "m", "u")
    assert rendered.html == f"<p>{token}0q Oslo</p>"
    assert rendered.text == f"{token}0q Oslo\n"
