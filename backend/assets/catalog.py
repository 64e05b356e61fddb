"""Built-in system types and device types, each with a stable key and zh-CN / English names.

Keys are stored in the database and never renamed; names are what people read and type.
The DB layer seeds these and lets admins add more, so lookups here take an optional extra
list rather than assuming this catalogue is complete.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec


class SystemType(msgspec.Struct, frozen=True):
    key: str
    zh: str
    en: str


class DeviceType(msgspec.Struct, frozen=True):
    key: str
    system: str
    zh: str
    en: str


SYSTEM_TYPES: tuple[SystemType, ...] = (
    SystemType("surveillance", "监控系统", "Video surveillance"),
    SystemType("access_control", "门禁系统", "Access control"),
    SystemType("alarm", "报警系统", "Emergency alarm"),
    SystemType("intercom", "对讲系统", "Intercom"),
    SystemType("patrol", "巡视管理系统", "Patrol management"),
    SystemType("meeting", "会见管理系统", "Meeting management"),
    SystemType("broadcast", "广播系统", "Broadcast"),
    SystemType("perimeter", "周界系统", "Perimeter"),
    SystemType("contraband", "违禁物品检测系统", "Contraband detection"),
    SystemType("dispatch", "调度指挥系统", "Dispatch and command"),
    SystemType("catv", "有线电视系统", "CATV"),
    SystemType("card", "一卡通系统", "Parking and card"),
    SystemType("building_control", "楼控系统", "Building control"),
    SystemType("ups", "UPS电源系统", "UPS"),
    SystemType("network", "网络系统", "Network"),
    SystemType("cabling", "综合布线", "Structured cabling"),
    SystemType("linkage_platform", "一体化联动平台", "Integrated linkage platform"),
    SystemType("electronic_police", "电子警察", "Electronic police"),
    SystemType("checkpoint", "卡口", "Traffic checkpoint"),
    SystemType("dome_camera", "球机", "Traffic dome camera"),
    SystemType("signal_light", "信号灯", "Traffic signal"),
    SystemType("body_camera", "执法记录仪", "Body-worn camera"),
    SystemType("collection_station", "采集站", "Collection station"),
)

_D = DeviceType
DEVICE_TYPES: tuple[DeviceType, ...] = (
    _D("fixed_camera", "surveillance", "枪式摄像机", "Fixed camera"),
    _D("dome_camera", "surveillance", "球形摄像机", "Dome camera"),
    _D("hemisphere_camera", "surveillance", "半球摄像机", "Hemispherical camera"),
    _D("nvr", "surveillance", "网络硬盘录像机", "NVR"),
    _D("video_decoder", "surveillance", "视频解码器", "Video decoder"),
    _D("video_wall", "surveillance", "拼接大屏", "Video wall"),
    _D("access_controller", "access_control", "门禁控制器", "Access controller"),
    _D("card_reader", "access_control", "读卡器", "Card reader"),
    _D("electric_lock", "access_control", "电控锁", "Electric lock"),
    _D("alarm_host", "alarm", "报警主机", "Alarm host"),
    _D("alarm_button", "alarm", "紧急报警按钮", "Panic button"),
    _D("intercom_host", "intercom", "对讲主机", "Intercom master station"),
    _D("intercom_terminal", "intercom", "对讲分机", "Intercom terminal"),
    _D("patrol_point", "patrol", "巡更点", "Patrol checkpoint"),
    _D("meeting_terminal", "meeting", "会见终端", "Meeting terminal"),
    _D("speaker", "broadcast", "广播音箱", "Speaker"),
    _D("broadcast_amplifier", "broadcast", "广播功放", "Broadcast amplifier"),
    _D("infrared_beam", "perimeter", "红外对射探测器", "Infrared beam detector"),
    _D("fence_host", "perimeter", "电子围栏主机", "Electric fence controller"),
    _D("metal_detector", "contraband", "金属探测门", "Walk-through metal detector"),
    _D("dispatch_console", "dispatch", "调度台", "Dispatch console"),
    _D("catv_amplifier", "catv", "有线电视放大器", "CATV amplifier"),
    _D("card_terminal", "card", "一卡通终端", "Card terminal"),
    _D("ddc_controller", "building_control", "DDC控制器", "DDC controller"),
    _D("ups", "ups", "UPS主机", "UPS"),
    _D("battery_pack", "ups", "蓄电池组", "Battery pack"),
    _D("switch", "network", "交换机", "Switch"),
    _D("router", "network", "路由器", "Router"),
    _D("cabinet", "cabling", "机柜", "Cabinet"),
    _D("patch_panel", "cabling", "配线架", "Patch panel"),
    _D("control_room", "linkage_platform", "控制室", "Control room"),
    _D("platform_server", "linkage_platform", "联动平台服务器", "Linkage platform server"),
    _D("ep_camera", "electronic_police", "电子警察抓拍机", "Red-light camera"),
    _D("checkpoint_camera", "checkpoint", "卡口抓拍机", "Checkpoint camera"),
    _D("fill_light", "checkpoint", "补光灯", "Fill light"),
    _D("traffic_dome", "dome_camera", "交通球机", "Traffic dome camera"),
    _D("signal_controller", "signal_light", "信号机", "Signal controller"),
    _D("signal_head", "signal_light", "信号灯", "Signal head"),
    _D("countdown_timer", "signal_light", "倒计时器", "Countdown timer"),
    _D("roadside_cabinet", "signal_light", "路口机柜", "Roadside cabinet"),
    _D("body_camera", "body_camera", "执法记录仪", "Body-worn camera"),
    _D("media_player", "body_camera", "多媒体播放器", "Media player"),
    _D("collection_station", "collection_station", "采集站", "Collection station"),
)
del _D

SYSTEMS_BY_KEY = {s.key: s for s in SYSTEM_TYPES}
DEVICE_TYPES_BY_KEY = {d.key: d for d in DEVICE_TYPES}


def device_types_for(system_key: str) -> list[DeviceType]:
    return [d for d in DEVICE_TYPES if d.system == system_key]


def _fold(text: str) -> str:
    # "UPS电源系统", "ups", "Video Surveillance" and "video_surveillance" should all match.
    return "".join(text.split()).replace("_", "").replace("-", "").casefold()


def name_index(entries: Iterable[SystemType | DeviceType]) -> dict[str, str]:
    """Folded key / zh / en name (and zh without a trailing 系统) → key, for import lookups."""
    index: dict[str, str] = {}
    for entry in entries:
        for name in (entry.key, entry.zh, entry.en, entry.zh.removesuffix("系统")):
            index.setdefault(_fold(name), entry.key)
    return index


def lookup(index: dict[str, str], text: str) -> str | None:
    return index.get(_fold(text))


SYSTEM_INDEX = name_index(SYSTEM_TYPES)
DEVICE_TYPE_INDEX = name_index(DEVICE_TYPES)
