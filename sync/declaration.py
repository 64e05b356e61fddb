"""Entity declarations: pure data naming the merge kind of every syncable field.

The same JSON shape is embedded in every conformance vector and read by the JavaScript
client, so a declaration must stay plain data (no callables).
"""

from typing import Any, Literal

import msgspec
from msgspec import Struct

FieldKind = Literal["scalar", "important", "state", "events"]


class DeclarationError(ValueError):
    """A declaration that contradicts itself; a programming error, found at load time."""


class FieldSpec(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    kind: FieldKind
    # After the record is signed, edits to this field become amendment requests.
    lock_on_sign: bool = False
    default: Any = None
    # Allowed values (state fields, enumerations); None means any value of the wire type.
    values: list[Any] | None = None
    # state only: current value -> values it may move to; None means any move is legal.
    transitions: dict[str, list[str]] | None = None


class SignRule(Struct, forbid_unknown_fields=True, frozen=True):
    field: str
    values: list[str]


class Declaration(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    entity: str
    fields: dict[str, FieldSpec]
    signed_when: SignRule | None = None

    def is_signed(self, fields: dict[str, Any]) -> bool:
        rule = self.signed_when
        return rule is not None and fields.get(rule.field) in rule.values

    def locks(self, name: str) -> bool:
        return self.fields[name].lock_on_sign


def load_declaration(data: dict[str, Any]) -> Declaration:
    try:
        declaration = msgspec.convert(data, Declaration)
    except msgspec.ValidationError as error:
        raise DeclarationError(f"invalid declaration: {error}") from None
    for name, spec in declaration.fields.items():
        _check_field(declaration.entity, name, spec)
    rule = declaration.signed_when
    if rule is not None and rule.field not in declaration.fields:
        raise DeclarationError(f"{declaration.entity}: signed_when names unknown {rule.field}")
    return declaration


def _check_field(entity: str, name: str, spec: FieldSpec) -> None:
    where = f"{entity}.{name}"
    if spec.transitions is not None and spec.kind != "state":
        raise DeclarationError(f"{where}: only state fields have transitions")
    if spec.transitions is None or spec.values is None:
        return
    for source, targets in spec.transitions.items():
        unknown = {source, *targets} - set(spec.values)
        if unknown:
            raise DeclarationError(f"{where}: transitions use undeclared values {sorted(unknown)}")
