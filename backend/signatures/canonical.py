"""Canonical JSON after RFC 8785 (JCS), so the phone and the server hash the same bytes.

- Objects: keys sorted by their UTF-16 code units (RFC 8785 §3.2.3), no whitespace.
- Strings: UTF-8; only `"`, `\\` and control characters are escaped, with the short forms
  \\b \\f \\n \\r \\t and lowercase \\u00xx otherwise (§3.2.2.2, as ECMAScript JSON.stringify).
- Numbers: IEEE-754 doubles printed as ECMAScript's Number.prototype.toString (§3.2.2.3); NaN
  and Infinity are refused, and integers beyond 2**53 are refused rather than silently rounded.
- Only JSON types: dict with str keys, list/tuple, str, int, float, bool, None. Dates and the
  like are the caller's job (records use ISO 8601 strings), so both sides agree on one form.
"""

import hashlib
import json
import math
from typing import Any

MAX_SAFE_INTEGER = 2**53


class NotCanonical(ValueError):
    pass


def number(value: float) -> str:
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonical(f"integer {value} cannot be represented exactly")
        value = float(value)
    if not math.isfinite(value):
        raise NotCanonical("NaN and Infinity have no JSON form")
    if value == 0:
        return "0"
    # repr() gives the shortest digits that round-trip, as ECMAScript requires.
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    raw = whole + fraction
    stripped = raw.lstrip("0")
    # value = 0.<digits> × 10^n
    n = len(whole) + int(exp or 0) - (len(raw) - len(stripped))
    return ("-" if value < 0 else "") + ecmascript(stripped.rstrip("0"), n)


def ecmascript(digits: str, n: int) -> str:
    """Number::toString steps 6-10 for the shortest round-trip digits and exponent n."""
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(exponent)}"


def string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonical("lone surrogates have no UTF-8 form") from exc
    return json.dumps(value, ensure_ascii=False)


def utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def serialise(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(serialise(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise NotCanonical("object keys must be strings")
        keys = sorted(value, key=utf16_key)
        return "{" + ",".join(f"{string(k)}:{serialise(value[k])}" for k in keys) + "}"
    raise NotCanonical(f"{type(value).__name__} is not a JSON type")


def canonical(value: Any) -> bytes:
    return serialise(value).encode("utf-8")


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()
