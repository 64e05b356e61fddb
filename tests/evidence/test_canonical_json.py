"""RFC 8785 canonical JSON: the phone and the server must hash the very same bytes."""

import pytest

from backend.signatures.canonical import NotCanonical, canonical, number

# RFC 8785 Appendix B and §3.2.2.3 examples (ECMAScript Number.prototype.toString).
NUMBERS = [
    (0.0, "0"),
    (-0.0, "0"),
    (1e21, "1e+21"),
    (1e20, "100000000000000000000"),
    (1e-7, "1e-7"),
    (0.000001, "0.000001"),
    (333333333.33333329, "333333333.3333333"),
    (5e-324, "5e-324"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (9007199254740992, "9007199254740992"),
    (295147905179352830000.0, "295147905179352830000"),
    (-1.25e-10, "-1.25e-10"),
    (12.0, "12"),
    (0.1, "0.1"),
]


@pytest.mark.parametrize(("value", "printed"), NUMBERS)
def test_numbers_are_printed_as_ecmascript_prints_them(value, printed):
    assert number(value) == printed


def test_keys_are_sorted_by_utf16_code_units_without_whitespace():
    # In UTF-16 the emoji is D83D DE00, so it sorts before U+FB33 (by code point it would not).
    value = {"\ufb33": 1, "\U0001f600": 2, "\u20ac": 3, "a": {"z": True, "b": None}, "1": [1.5, "x"]}
    assert (
        canonical(value)
        == ('{"1":[1.5,"x"],"a":{"b":null,"z":true},"\u20ac":3,"\U0001f600":2,"\ufb33":1}').encode()
    )


def test_strings_escape_only_what_json_stringify_escapes():
    assert canonical('é\u2028"\\\n\x1f/') == '"é\u2028\\"\\\\\\n\\u001f/"'.encode()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 2**60, {1: "x"}, b"bytes", "\ud800"])
def test_values_without_one_canonical_form_are_refused(bad):
    with pytest.raises(NotCanonical):
        canonical(bad)
