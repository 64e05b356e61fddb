"""Judge one answer to one checklist item (issue 5, item 1).

``incomplete`` means the record cannot be submitted yet (a required value or photo is
missing); it is checked first so an inspector is never told "pass" for an item that lacks its
evidence. A reading outside its range fails automatically: the inspector cannot override it,
only explain it in the note and raise a work order.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from backend.inspections.templates import (
    ChoiceItem,
    Item,
    PassFailItem,
    PhotoItem,
    ReadingItem,
    TextItem,
)

Outcome = Literal["pass", "fail", "na", "answered", "incomplete"]


class Answer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``value``: bool for pass/fail, a number for readings, an option key or text."""

    value: bool | float | str | None = None
    not_applicable: bool = False
    photo_count: int = 0
    note: str = ""


class Evaluation(msgspec.Struct, frozen=True):
    outcome: Outcome
    reason: str


def evaluate(item: Item, answer: Answer) -> Evaluation:
    if answer.not_applicable:
        return Evaluation("na", answer.note.strip() or "marked not applicable")
    if item.photo_required and answer.photo_count < 1:
        return Evaluation("incomplete", "a photo is required")
    match item:
        case PassFailItem():
            return _pass_fail(answer)
        case ReadingItem():
            return _reading(item, answer)
        case ChoiceItem():
            return _choice(item, answer)
        case TextItem():
            return _text(item, answer)
        case PhotoItem():
            return _photo(item, answer)
    raise TypeError(f"unknown item kind: {type(item).__name__}")


def _unanswered(item: Item, what: str) -> Evaluation:
    if item.required:
        return Evaluation("incomplete", f"{what} is required")
    return Evaluation("na", "optional, left blank")


def _pass_fail(answer: Answer) -> Evaluation:
    if answer.value is True:
        return Evaluation("pass", "checked and in order")
    if answer.value is False:
        return Evaluation("fail", answer.note.strip() or "checked and found faulty")
    return Evaluation("incomplete", "pass or fail is required")


def _format_range(item: ReadingItem) -> str:
    low = "" if item.min is None else f"{item.min:g}"
    high = "" if item.max is None else f"{item.max:g}"
    if not low:
        return f"≤ {high} {item.unit}"
    if not high:
        return f"≥ {low} {item.unit}"
    return f"{low}–{high} {item.unit}"


def _reading(item: ReadingItem, answer: Answer) -> Evaluation:
    value = answer.value
    # bool is an int in Python; True must not pass for "1 V".
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _unanswered(item, "a numeric reading")
    too_low = item.min is not None and value < item.min
    too_high = item.max is not None and value > item.max
    shown = f"{value:g} {item.unit}"
    if too_low or too_high:
        return Evaluation("fail", f"{shown} is outside the allowed {_format_range(item)}")
    return Evaluation("pass", f"{shown} is within {_format_range(item)}")


def _choice(item: ChoiceItem, answer: Answer) -> Evaluation:
    options = {option.key: option for option in item.options}
    if not isinstance(answer.value, str) or not answer.value:
        return _unanswered(item, "a choice")
    if answer.value not in options:
        return Evaluation("incomplete", f"{answer.value!r} is not one of the options")
    label = options[answer.value].label.en
    if answer.value in item.failing:
        return Evaluation("fail", f"{label} counts as a fault")
    if item.failing:
        return Evaluation("pass", f"{label} is acceptable")
    return Evaluation("answered", label)


def _text(item: TextItem, answer: Answer) -> Evaluation:
    if isinstance(answer.value, str) and answer.value.strip():
        return Evaluation("answered", "text recorded")
    return _unanswered(item, "text")


def _photo(item: PhotoItem, answer: Answer) -> Evaluation:
    if answer.photo_count >= 1:
        return Evaluation("answered", f"{answer.photo_count} photo(s) attached")
    return _unanswered(item, "a photo")
