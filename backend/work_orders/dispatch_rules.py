"""Suggest the nearest available technician (repair flow step 3; issue 5, item 7).

Available means on shift and not tied up by a level-1 ticket. Distance is great-circle
(haversine) from the technician's last reported position if it is recent, else from the home
base: a position from yesterday says nothing about where someone is now. The dispatcher
confirms or picks someone else; this only ranks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

import msgspec

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
POSITION_MAX_AGE = timedelta(hours=2)


class GeoPoint(msgspec.Struct, frozen=True):
    lat: float
    lon: float


class Technician(msgspec.Struct, frozen=True):
    id: str
    on_shift: bool
    busy_with_level1: bool
    last_position: GeoPoint | None = None
    last_position_at: datetime | None = None
    home_base: GeoPoint | None = None


class Suggestion(msgspec.Struct, frozen=True):
    technician_id: str
    distance_km: float
    measured_from: Literal["last_position", "home_base"]
    reason: str


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def unavailable_reason(technician: Technician) -> str | None:
    """Why someone is not suggested, for the dispatcher who wants to pick them anyway."""
    if not technician.on_shift:
        return "off shift"
    if technician.busy_with_level1:
        return "busy with a level-1 fault"
    if technician.last_position is None and technician.home_base is None:
        return "no known position or home base"
    return None


def _origin(
    technician: Technician, now: datetime, max_age: timedelta
) -> tuple[GeoPoint, Literal["last_position", "home_base"]]:
    seen = technician.last_position_at
    recent = seen is not None and now - seen <= max_age
    if technician.last_position is not None and (recent or technician.home_base is None):
        return technician.last_position, "last_position"
    assert technician.home_base is not None  # guaranteed by unavailable_reason()
    return technician.home_base, "home_base"


def suggest_technicians(
    site: GeoPoint,
    technicians: Iterable[Technician],
    now: datetime,
    *,
    max_position_age: timedelta = POSITION_MAX_AGE,
) -> list[Suggestion]:
    suggestions = []
    for tech in technicians:
        if unavailable_reason(tech) is not None:
            continue
        origin, measured_from = _origin(tech, now, max_position_age)
        distance = haversine_km(origin, site)
        where = "last reported position" if measured_from == "last_position" else "home base"
        reason = f"on shift, free of level-1 work, {distance:.1f} km from {where}"
        suggestions.append(Suggestion(tech.id, round(distance, 3), measured_from, reason))
    return sorted(suggestions, key=lambda s: (s.distance_km, s.technician_id))
