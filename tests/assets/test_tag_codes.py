import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.assets import tags
from backend.assets.tags import ALPHABET, DidYouMean, InvalidCode, ValidCode


def sample_codes(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [
        body + tags.check_character(body)
        for body in ("".join(rng.choices(ALPHABET, k=9)) for _ in range(count))
    ]


def test_new_codes_are_ten_unambiguous_characters_that_validate():
    for _ in range(500):
        code = tags.new_tag_code()
        assert len(code) == 10
        assert not set(code) & set("0O1IL")
        assert tags.validate(code) == ValidCode(code)


def test_new_codes_do_not_repeat_or_count_up():
    codes = [tags.new_tag_code() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    assert sorted(codes) != codes


def test_every_single_character_substitution_is_caught():
    for code in sample_codes(150):
        for position in range(10):
            for symbol in ALPHABET.replace(code[position], ""):
                typo = code[:position] + symbol + code[position + 1 :]
                assert not tags.is_valid(typo), (code, typo)


def test_every_adjacent_transposition_is_caught():
    for code in sample_codes(500):
        for i in range(9):
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            if swapped != code:
                assert not tags.is_valid(swapped), (code, swapped)


@given(st.sampled_from(sample_codes(50)), st.sampled_from([" ", "-", "  ", "\t"]))
def test_manual_entry_ignores_case_spaces_dashes_and_full_width(code, separator):
    typed = code[:5].lower() + separator + code[5:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert tags.validate(typed) == ValidCode(code)
    assert tags.validate(full_width) == ValidCode(code)


def test_a_pasted_tag_url_validates_as_its_code():
    code = sample_codes(1)[0]
    assert tags.validate(f"https://weibao.example.cn/t/{code}?utm=x") == ValidCode(code)


def test_one_mistyped_character_suggests_the_intended_code():
    for code in sample_codes(100, seed=11):
        position = 3
        wrong = ALPHABET[(ALPHABET.index(code[position]) + 5) % len(ALPHABET)]
        result = tags.validate(code[:position] + wrong + code[position + 1 :])
        assert isinstance(result, DidYouMean)
        assert code in result.candidates
        assert len(result.candidates) <= 19


def test_a_swapped_pair_suggests_the_intended_code():
    code = next(c for c in sample_codes(20) if c[1] != c[2])
    result = tags.validate(code[0] + code[2] + code[1] + code[3:])
    assert isinstance(result, DidYouMean) and code in result.candidates


@pytest.mark.parametrize("lookalike", ["O", "0", "1", "I", "L", "o", "l"])
def test_a_lookalike_character_has_exactly_one_repair(lookalike):
    code = sample_codes(1, seed=3)[0]
    result = tags.validate(code[:4] + lookalike + code[5:])
    assert result == DidYouMean(code[:4] + lookalike + code[5:], [code])


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("", "no tag code"),
        ("ABC", "10 characters"),
        ("OO23456789", "never appear"),
        ("ABCD#FGHJK", "never appears"),
    ],
)
def test_hopeless_input_is_invalid_with_a_reason(entered, reason):
    result = tags.validate(entered)
    assert isinstance(result, InvalidCode)
    assert reason in result.reason


def test_tag_url_is_base_slash_t_slash_code():
    assert (
        tags.tag_url("https://wb.example.cn/", "ABCDEFGHJK") == "https://wb.example.cn/t/ABCDEFGHJK"
    )
    assert tags.normalise(tags.format_code("ABCDEFGHJK")) == "ABCDEFGHJK"
