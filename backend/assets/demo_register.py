"""A seeded, invented asset register for demo sites: same seed, same register.

Brands are well-known manufacturers; models, serials, locations and dates are made up. No
personal names or phone numbers appear (DOMAIN.md: client documents are never data).
Tag codes are left empty: the service draws them from `secrets` when it stores the rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from backend.assets.catalog import DEVICE_TYPES_BY_KEY
from backend.assets.register_rows import RegisterRow, Status

SiteKind = Literal["detention", "custody", "correction", "intersection"]

# device type → relative share of a site's devices, per kind of site
_BUILDING_MIX = {
    "fixed_camera": 30,
    "hemisphere_camera": 12,
    "dome_camera": 5,
    "nvr": 2,
    "video_decoder": 1,
    "access_controller": 12,
    "card_reader": 6,
    "electric_lock": 4,
    "alarm_button": 8,
    "alarm_host": 1,
    "intercom_terminal": 8,
    "intercom_host": 1,
    "patrol_point": 4,
    "speaker": 3,
    "infrared_beam": 2,
    "ups": 1,
    "switch": 3,
    "cabinet": 2,
    "control_room": 0.5,
}
_MIX: dict[str, dict[str, float]] = {
    "detention": {**_BUILDING_MIX, "meeting_terminal": 2, "metal_detector": 0.5},
    "custody": {**_BUILDING_MIX, "meeting_terminal": 1},
    "correction": {**_BUILDING_MIX, "body_camera": 6, "media_player": 6, "collection_station": 1},
    "intersection": {
        "signal_controller": 1,
        "signal_head": 8,
        "countdown_timer": 4,
        "roadside_cabinet": 1,
        "ep_camera": 4,
        "checkpoint_camera": 3,
        "fill_light": 3,
        "traffic_dome": 1,
        "switch": 1,
    },
}
_SITE_WEIGHT = {"detention": 8, "custody": 5, "correction": 4, "intersection": 1}

_CAMERAS = (("海康威视", "DS"), ("大华", "DH"), ("宇视", "IPC"), ("天地伟业", "TC"))
_BRANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "surveillance": _CAMERAS,
    "access_control": (("熵基科技", "ZK"), ("海康威视", "DS-K"), ("霍尼韦尔", "HON")),
    "alarm": (("霍尼韦尔", "VISTA"), ("博世", "AMC"), ("海湾", "GST")),
    "intercom": (("狄耐克", "DNK"), ("海康威视", "DS-KH")),
    "ups": (("山特", "C"), ("APC", "SRV"), ("华为", "UPS2000")),
    "network": (("华为", "S"), ("新华三", "S5"), ("锐捷", "RG-S")),
    "electronic_police": _CAMERAS,
    "checkpoint": _CAMERAS,
    "dome_camera": _CAMERAS,
    "signal_light": (("海信", "HI-TSC"), ("易华录", "EHL")),
}
_DEFAULT_BRANDS = (("海康威视", "DS"), ("大华", "DH"), ("华为", "HW"))

_ZONES = {
    "detention": ("一监区", "二监区", "三监区", "四监区", "五监区", "六监区", "综合楼"),
    "custody": ("拘室区", "看守区", "综合楼"),
    "correction": ("矫正中心", "教育楼", "办公楼"),
}
_COMMON_AREAS = ("大门", "周界东侧", "周界西侧", "总控室", "分控室", "会见室", "提讯室", "放风场")
_APPROACHES = ("北进口", "南进口", "东进口", "西进口")
_ALWAYS_KEY = {"control_room", "alarm_host", "nvr", "signal_controller", "infrared_beam"}


def generate_demo_register(
    sites: Sequence[tuple[str, SiteKind]], total: int = 1500, seed: int = 2915
) -> list[RegisterRow]:
    """About `total` assets spread over the sites, buildings getting far more than crossings."""
    rng = random.Random(seed)
    weights = [_SITE_WEIGHT[kind] for _, kind in sites]
    counts = _split(total, weights)
    rows: list[RegisterRow] = []
    for (site, kind), count in zip(sites, counts, strict=True):
        types = rng.choices(list(_MIX[kind]), weights=list(_MIX[kind].values()), k=count)
        rows.extend(_asset(rng, site, kind, t, n) for n, t in enumerate(sorted(types), start=1))
    return rows


def _split(total: int, weights: Sequence[float]) -> list[int]:
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    counts[0] += total - sum(counts)  # rounding remainder to the first site
    return counts


def _asset(rng: random.Random, site: str, kind: SiteKind, type_key: str, n: int) -> RegisterRow:
    device = DEVICE_TYPES_BY_KEY[type_key]
    brand, prefix = rng.choice(_BRANDS.get(device.system, _DEFAULT_BRANDS))
    location = _location(rng, kind, type_key)
    installed = date(2016, 1, 1) + timedelta(days=rng.randrange(9 * 365))
    key = type_key in _ALWAYS_KEY or rng.random() < 0.08
    return RegisterRow(
        name=f"{device.zh} {location}",
        site=site,
        system=device.system,
        device_type=type_key,
        brand=brand,
        model=_model(prefix, type_key),
        serial=f"{prefix.split('-')[0]}{installed:%y%m}-{rng.getrandbits(40):010X}",
        external_id=f"{site}-{type_key}-{n:04d}",
        location=location,
        install_date=installed,
        warranty_end=installed + timedelta(days=365 * rng.choice((3, 3, 5))),
        criticality="key" if key else "normal",
        status=_status(rng),
    )


def _model(prefix: str, type_key: str) -> str:
    # Stable per brand and type, so a register repeats a handful of models as real ones do.
    code = sum(map(ord, type_key + prefix)) % 9000 + 1000
    return f"{prefix}-{code}{'-I' if 'camera' in type_key else ''}"


def _location(rng: random.Random, kind: SiteKind, type_key: str) -> str:
    if kind == "intersection":
        if type_key in ("signal_controller", "roadside_cabinet", "switch"):
            return "路口机柜"
        return f"{rng.choice(_APPROACHES)} {rng.randint(1, 6)}号杆"
    if type_key in ("control_room", "nvr", "alarm_host", "video_decoder"):
        return rng.choice(("总控室", "分控室"))
    if rng.random() < 0.2:
        return rng.choice(_COMMON_AREAS)
    floor = rng.randint(1, 4)
    return f"{rng.choice(_ZONES[kind])} {floor}F {floor}{rng.randint(1, 30):02d}室"


def _status(rng: random.Random) -> Status:
    roll = rng.random()
    if roll < 0.025:
        return "faulty"
    if roll < 0.045:
        return "offline"
    if roll < 0.05:
        return "under_repair"
    return "in_service"
