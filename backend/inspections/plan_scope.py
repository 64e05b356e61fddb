"""Which device type a plan may name (DOMAIN.md: a plan's scope is site / system / device type).

The vocabulary is the asset register's: a plan selects assets by `Asset.device_type`
(plan_service.plan_assets) and the phone does the same, so a plan must name the devices' own
type (`nvr`), never a checklist template's key (`nvr_dvr`, which covers `nvr` and
`video_decoder`; template_service.TEMPLATE_FOR_DEVICE_TYPE). A type no template covers would
make rounds whose devices cannot be inspected: refused too, with what would work instead.
"""

from collections.abc import Iterable

from backend.assets.catalog import DEVICE_TYPES
from backend.errors import Invalid
from backend.inspections.template_service import template_key_for


class ScopeRefused(Invalid):
    """422 naming what was wrong with a plan's device type; `detail` says what would work."""


CATALOG_TYPES = frozenset(d.key for d in DEVICE_TYPES)


def scope_refusal(
    device_type: str, known_types: Iterable[str], template_keys: Iterable[str]
) -> ScopeRefused | None:
    """None when the type is one assets carry and a template covers; else the refusal.
    `known_types`: the catalogue's and every type an asset carries (imports may add types)."""
    known, keys = set(known_types), set(template_keys)
    if device_type in known:
        if template_key_for(device_type) in keys:
            return None
        return ScopeRefused(
            f"No checklist template covers device type {device_type}; add a template for it "
            "first, or scope the plan by system or by a list of devices.",
            detail={"device_type": device_type},
            code="no_template_for_device_type",
        )
    meant = sorted(t for t in known if template_key_for(t) == device_type)
    if meant:
        return ScopeRefused(
            f"{device_type} is a checklist template, not a device type; a plan names the devices' "
            f"own type: {', '.join(meant)}.",
            detail={"device_type": device_type, "device_types": meant},
            code="template_key_not_device_type",
        )
    return ScopeRefused(
        f"Unknown device type {device_type}.", detail={"device_type": device_type}, code="unknown_device_type"
    )
