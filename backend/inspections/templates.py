"""Checklist templates (巡检项): versioned JSON data in ``templates/<key>.v<version>.json``.

A record stores the (key, version) it was filled against, so a template file is never edited
once shipped: a change is a new version file. Item keys are stable across versions, which is
what lets reports compare "image_clear" between rounds that used different versions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import msgspec

TEMPLATES_DIR = Path(__file__).parent / "templates"


class TemplateError(ValueError):
    pass


class Label(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    zh: str
    en: str


class _Item(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True, tag_field="kind"
):
    key: str
    label: Label
    required: bool = True
    photo_required: bool = False


class PassFailItem(_Item, kw_only=True, tag="pass_fail_na"):
    pass


class ReadingItem(_Item, kw_only=True, tag="reading"):
    unit: str
    min: float | None = None
    max: float | None = None


class TextItem(_Item, kw_only=True, tag="text"):
    pass


class ChoiceOption(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    key: str
    label: Label


class ChoiceItem(_Item, kw_only=True, tag="choice"):
    options: list[ChoiceOption]
    failing: list[str] = []  # options that make the item fail (e.g. an indicator off)


class PhotoItem(_Item, kw_only=True, tag="photo"):
    pass


Item = PassFailItem | ReadingItem | TextItem | ChoiceItem | PhotoItem


class ChecklistTemplate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    key: str
    version: int
    device_type: str
    name: Label
    items: list[Item]


_decoder = msgspec.json.Decoder(ChecklistTemplate)


def _item_problems(item: Item) -> Iterable[str]:
    if not (item.label.zh.strip() and item.label.en.strip()):
        yield f"item {item.key}: needs zh and en labels"
    if isinstance(item, ReadingItem):
        if not item.unit.strip():
            yield f"item {item.key}: a reading needs a unit"
        if item.min is None and item.max is None:
            yield f"item {item.key}: a reading needs an allowed range"
        if item.min is not None and item.max is not None and item.min > item.max:
            yield f"item {item.key}: min is above max"
    if isinstance(item, ChoiceItem):
        keys = [option.key for option in item.options]
        if not keys or len(set(keys)) != len(keys):
            yield f"item {item.key}: choice options must be present and unique"
        if not set(item.failing) <= set(keys):
            yield f"item {item.key}: failing options must be among the options"


def validate_template(template: ChecklistTemplate) -> list[str]:
    """Rules msgspec's types cannot express; an empty list means the template is usable."""
    problems = [] if template.items else ["a template needs items"]
    keys = [item.key for item in template.items]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        problems.append(f"duplicate item keys: {', '.join(duplicates)}")
    for item in template.items:
        problems.extend(_item_problems(item))
    return problems


def _load_file(path: Path) -> ChecklistTemplate:
    try:
        template = _decoder.decode(path.read_bytes())
    except msgspec.ValidationError as exc:
        raise TemplateError(f"{path.name}: {exc}") from exc
    problems = validate_template(template)
    if path.name != f"{template.key}.v{template.version}.json":
        problems.append(f"file name does not match key {template.key} version {template.version}")
    if problems:
        raise TemplateError(f"{path.name}: " + "; ".join(problems))
    return template


def load_templates(directory: Path = TEMPLATES_DIR) -> dict[tuple[str, int], ChecklistTemplate]:
    """Every template version, keyed by (key, version); refuses the lot if any file is bad."""
    templates = {}
    for path in sorted(directory.glob("*.json")):
        template = _load_file(path)
        templates[(template.key, template.version)] = template
    return templates


def latest_versions(
    templates: dict[tuple[str, int], ChecklistTemplate],
) -> dict[str, ChecklistTemplate]:
    """The version new inspection records should use, per template key."""
    latest: dict[str, ChecklistTemplate] = {}
    for (key, version), template in sorted(templates.items()):
        if key not in latest or version > latest[key].version:
            latest[key] = template
    return latest
