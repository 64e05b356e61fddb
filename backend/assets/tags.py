"""Asset tag codes: 10 characters, 9 random plus one check character.

The alphabet has 31 symbols: digits 2-9 and A-Z without I, L and O, so 0/O, 1/I/L never
appear and nobody has to guess which one was meant. 31 is prime, which is what makes the
check character work: the check is a weighted sum mod 31 with weights 1..10 (an ISO 7064
"pure system" over a prime modulus). A single substitution changes the sum by w·(a−b) and a
transposition of positions i, j by (w_i − w_j)·(a−b); both are non-zero mod a prime because
every weight and every weight difference is non-zero and below 31. So every single-character
error and every transposition (adjacent or not) is caught.

Nine random symbols give 31⁹ ≈ 2.6·10¹³ codes (44.6 bits) drawn with `secrets`: not
sequential, not guessable, and collisions are the database's unique constraint's job.
"""

from __future__ import annotations

import secrets
import unicodedata

import msgspec

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MODULUS = len(ALPHABET)  # 31, prime
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_WEIGHTS = range(1, CODE_LENGTH + 1)
# Separators people type or print between groups; removed before validation.
_SEPARATORS = frozenset(" -_.·\t")
# Characters excluded from the alphabet because they look like others; validate() still
# recognises them so it can say which character is wrong instead of "invalid".
_LOOKALIKES = frozenset("0O1IL")
# Pairs that are easy to confuse in print or handwriting; candidates using them rank first.
_CONFUSABLE = {frozenset(p) for p in ("5S", "2Z", "8B", "UV", "6G", "MN", "QD", "VY")}


class ValidCode(msgspec.Struct, frozen=True, tag="ok"):
    code: str


class DidYouMean(msgspec.Struct, frozen=True, tag="did_you_mean"):
    """The input is one typo away from these codes. Only some may exist: the caller filters."""

    entered: str
    candidates: list[str]


class InvalidCode(msgspec.Struct, frozen=True, tag="invalid"):
    entered: str
    reason: str


CodeCheck = ValidCode | DidYouMean | InvalidCode


def new_tag_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH - 1))
    return body + check_character(body)


def check_character(body: str) -> str:
    """The symbol that makes the weighted sum of body + symbol ≡ 0 (mod 31)."""
    partial = sum(w * _VALUE[c] for w, c in zip(_WEIGHTS, body, strict=False))
    last_weight = len(body) + 1
    # Solve last_weight · v ≡ −partial (mod 31); the inverse exists because 31 is prime.
    value = (-partial * pow(last_weight, -1, MODULUS)) % MODULUS
    return ALPHABET[value]


def is_valid(code: str) -> bool:
    if len(code) != CODE_LENGTH or any(c not in _VALUE for c in code):
        return False
    return sum(w * _VALUE[c] for w, c in zip(_WEIGHTS, code, strict=True)) % MODULUS == 0


def normalise(user_input: str) -> str:
    """Upper-case, full-width → ASCII (Chinese IMEs), separators removed, URL → its code.

    Look-alikes are not mapped: 0/O and 1/I/L are all outside the alphabet, so there is no
    single right target; validate() turns them into a "did you mean" instead.
    """
    text = unicodedata.normalize("NFKC", user_input).strip()
    if "/t/" in text:  # a scanned or pasted tag URL
        text = text.rsplit("/t/", 1)[1].split("?", 1)[0].split("#", 1)[0]
    return "".join(c for c in text.upper() if c not in _SEPARATORS)


def validate(user_input: str) -> CodeCheck:
    code = normalise(user_input)
    if not code:
        return InvalidCode(user_input, "no tag code entered")
    if len(code) != CODE_LENGTH:
        return InvalidCode(
            user_input, f"a tag code has {CODE_LENGTH} characters; this one has {len(code)}"
        )
    foreign = [c for c in code if c not in _VALUE]
    if len(foreign) > 1:
        return InvalidCode(user_input, f"characters that never appear in tags: {''.join(foreign)}")
    if foreign:
        return _repair_foreign(user_input, code, foreign[0])
    if is_valid(code):
        return ValidCode(code)
    return DidYouMean(user_input, one_typo_candidates(code))


def _repair_foreign(user_input: str, code: str, char: str) -> CodeCheck:
    if char not in _LOOKALIKES:
        return InvalidCode(user_input, f"'{char}' never appears in tags")
    # One unknown position: the check equation pins it down to exactly one symbol.
    return DidYouMean(user_input, [_solve_position(code, code.index(char))])


def _solve_position(code: str, position: int) -> str:
    """The unique symbol at `position` that makes the code valid."""
    partial = sum(
        w * _VALUE[c] for i, (w, c) in enumerate(zip(_WEIGHTS, code, strict=True)) if i != position
    )
    value = (-partial * pow(position + 1, -1, MODULUS)) % MODULUS
    return code[:position] + ALPHABET[value] + code[position + 1 :]


def one_typo_candidates(code: str) -> list[str]:
    """Valid codes one substitution or one adjacent swap away, most plausible first.

    A prime-modulus check admits exactly one fix per position, so there are at most ten
    substitutions plus nine swaps; the lookup layer keeps those that exist.
    """
    swaps = []
    for i in range(CODE_LENGTH - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        if swapped != code and is_valid(swapped):
            swaps.append(swapped)
    subs = [_solve_position(code, i) for i in range(CODE_LENGTH)]
    confusable = [s for s in subs if _changed_pair(code, s) in _CONFUSABLE]
    ranked = confusable + swaps + [s for s in subs if s not in confusable]
    return list(dict.fromkeys(s for s in ranked if s != code))


def _changed_pair(before: str, after: str) -> frozenset[str]:
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    return frozenset(changed[0]) if len(changed) == 1 else frozenset()


def format_code(code: str) -> str:
    """Grouped 5-5 for printing; normalise() strips the dash when it is typed back."""
    return f"{code[:5]}-{code[5:]}"


def tag_url(public_base_url: str, code: str) -> str:
    return f"{public_base_url.rstrip('/')}/t/{code}"
