"""The message as it goes on the wire: CRLF line ends, dots doubled at line
starts, a final CRLF; checked against the rules written out plainly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailapp.delivery.smtp import prepare_data


def _by_the_rules(data: bytes) -> bytes:
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    wire = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
    return wire if wire.endswith(b"\r\n") else wire + b"\r\n"


@given(st.lists(st.sampled_from([b"a", b".", b"\r", b"\n", b"\r\n", b"..", b" "]), max_size=40))
def test_wire_form_follows_the_rules(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert prepare_data(data) == _by_the_rules(data)
