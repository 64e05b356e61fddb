"""Severity levels and SLA deadlines (DOMAIN.md, "Severity and SLA").

Windows are plain durations counted from the moment the report was registered: the service
is 7×24, so no working-hours calendar applies to fault deadlines. ``None`` means "as
planned": the contract sets no clock and the dispatcher schedules the visit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Literal

import msgspec

Area = Literal["urban", "suburban"]
Criticality = Literal["key", "normal"]


class Severity(IntEnum):
    SYSTEM_DOWN = 1
    FUNCTION_LOST = 2
    DEGRADATION = 3
    LATENT_RISK = 4


class FaultScope(StrEnum):
    SYSTEM_DOWN = "system_down"  # whole area offline, all signals dark
    FUNCTION_LOST = "function_lost"  # one checkpoint not capturing, dome stuck
    DEGRADATION = "degradation"  # colour cast, countdown error
    LATENT_RISK = "latent_risk"  # temperature high, network jitter


class SlaTerms(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    respond: timedelta
    on_site_urban: timedelta | None
    on_site_suburban: timedelta | None
    repair: timedelta | None


class SlaTermsOverride(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A contract's changes to one level; UNSET keeps the default, None means "as planned"."""

    respond: timedelta | msgspec.UnsetType = msgspec.UNSET
    on_site_urban: timedelta | msgspec.UnsetType | None = msgspec.UNSET
    on_site_suburban: timedelta | msgspec.UnsetType | None = msgspec.UNSET
    repair: timedelta | msgspec.UnsetType | None = msgspec.UNSET


class SlaPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    levels: dict[int, SlaTerms]

    def __post_init__(self) -> None:
        if sorted(self.levels) != [1, 2, 3, 4]:
            raise ValueError("an SLA policy defines exactly the severity levels 1-4")

    def terms(self, severity: int) -> SlaTerms:
        return self.levels[Severity(severity)]


class Deadlines(msgspec.Struct, frozen=True):
    respond_by: datetime
    on_site_by: datetime | None
    repaired_by: datetime | None


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


DEFAULT_POLICY = SlaPolicy(
    levels={
        1: SlaTerms(_minutes(15), _minutes(60), _minutes(120), _minutes(120)),
        2: SlaTerms(_minutes(30), _minutes(60), _minutes(120), _minutes(240)),
        3: SlaTerms(_minutes(60), None, None, _minutes(480)),
        4: SlaTerms(_minutes(24 * 60), None, None, None),
    }
)


def merge_policy(base: SlaPolicy, overrides: dict[int, SlaTermsOverride]) -> SlaPolicy:
    """A contract states only what differs from the defaults; the rest is inherited."""
    levels = dict(base.levels)
    for level, override in overrides.items():
        changed = {
            field: value
            for field in SlaTermsOverride.__struct_fields__
            if (value := getattr(override, field)) is not msgspec.UNSET
        }
        levels[Severity(level)] = msgspec.structs.replace(levels[Severity(level)], **changed)
    return SlaPolicy(levels=levels)


def require_aware(moment: datetime, name: str = "datetime") -> datetime:
    """Naive datetimes are refused: an offline phone and the server must agree on the instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment


def deadlines(policy: SlaPolicy, severity: int, area: Area, reported_at: datetime) -> Deadlines:
    require_aware(reported_at, "reported_at")
    terms = policy.terms(severity)
    on_site = terms.on_site_urban if area == "urban" else terms.on_site_suburban
    return Deadlines(
        respond_by=reported_at + terms.respond,
        on_site_by=None if on_site is None else reported_at + on_site,
        repaired_by=None if terms.repair is None else reported_at + terms.repair,
    )


# Examples from the client documents; anything unknown is left for the dispatcher to classify.
FAULT_SCOPES: dict[str, FaultScope] = {
    "area_offline": FaultScope.SYSTEM_DOWN,
    "all_signals_dark": FaultScope.SYSTEM_DOWN,
    "platform_down": FaultScope.SYSTEM_DOWN,
    "device_offline": FaultScope.FUNCTION_LOST,
    "no_image": FaultScope.FUNCTION_LOST,
    "not_capturing": FaultScope.FUNCTION_LOST,
    "dome_stuck": FaultScope.FUNCTION_LOST,
    "not_recording": FaultScope.FUNCTION_LOST,
    "door_not_opening": FaultScope.FUNCTION_LOST,
    "colour_cast": FaultScope.DEGRADATION,
    "image_blurred": FaultScope.DEGRADATION,
    "countdown_error": FaultScope.DEGRADATION,
    "temperature_high": FaultScope.LATENT_RISK,
    "network_jitter": FaultScope.LATENT_RISK,
    "battery_ageing": FaultScope.LATENT_RISK,
}

_SCOPE_SEVERITY = {
    FaultScope.SYSTEM_DOWN: Severity.SYSTEM_DOWN,
    FaultScope.FUNCTION_LOST: Severity.FUNCTION_LOST,
    FaultScope.DEGRADATION: Severity.DEGRADATION,
    FaultScope.LATENT_RISK: Severity.LATENT_RISK,
}


def propose_severity(criticality: Criticality, scope: FaultScope | str) -> Severity:
    """Scope gives the level; a key-point device (must be 100 % online) is one level graver.

    ``scope`` may be a FaultScope or a known fault type from FAULT_SCOPES. This is only a
    proposal: the dispatcher may change it, and that change is audited by the service.
    """
    resolved = FAULT_SCOPES.get(scope) or FaultScope(scope)
    level = _SCOPE_SEVERITY[resolved]
    if criticality == "key":
        return Severity(max(Severity.SYSTEM_DOWN, level - 1))
    return level
