"""What a report shows, as plain data (built by service.py, drawn by pdf.py), and its labels.

The labels follow the client's paper forms (售后服务单 / 故障修复验收单, 巡检记录单); English is
for staff who do not read Chinese. zh-CN is the default.
"""

from dataclasses import dataclass, field

LANGS = ("zh-CN", "en")

LABELS = {
    "zh-CN": {
        "service_title": "售后服务单 / 故障修复验收单",
        "inspection_title": "巡检记录单",
        "project": "项目名称",
        "number": "单号",
        "technician": "维修人员",
        "inspector": "巡检人员",
        "reported_at": "报修时间",
        "arrived_at": "到场时间",
        "resolved_at": "修复时间",
        "started_at": "开始时间",
        "finished_at": "完成时间",
        "place": "服务地点",
        "service_type": "服务类型",
        "fault": "故障现象",
        "cause": "故障原因",
        "solution": "解决方案",
        "damaged": "损坏设备",
        "parts": "更换配件",
        "satisfaction": "客户满意度",
        "asset": "设备",
        "location": "位置",
        "items": "检查项目",
        "item": "项目",
        "state": "状态",
        "value": "记录",
        "note": "备注",
        "problems": "发现问题",
        "cause_analysis": "原因分析",
        "measures": "处理措施",
        "parts_to_replace": "需更换配件",
        "photos": "现场照片",
        "awaiting_upload": "照片待上传",
        "signature": "客户签字",
        "signer": "签字人",
        "role": "单位/职务",
        "phone": "电话",
        "signed_at": "签字时间",
        "refusal": "客户拒签",
        "contact": "联系人",
        "reason": "原因",
        "refused_at": "时间",
        "unsigned": "尚未签字",
        "record_hash": "记录哈希 (SHA-256)",
        "verify": "扫码核验",
        "on_site": "现场维修",
        "remote": "远程处理",
        "none": "无",
        "pass": "正常",
        "fail": "异常",
        "na": "不适用",
        "answered": "已记录",
        "incomplete": "未填写",
    },
    "en": {
        "service_title": "Service record / Repair acceptance form",
        "inspection_title": "Inspection record",
        "project": "Project",
        "number": "No.",
        "technician": "Technician",
        "inspector": "Inspector",
        "reported_at": "Reported",
        "arrived_at": "Arrived",
        "resolved_at": "Repaired",
        "started_at": "Started",
        "finished_at": "Finished",
        "place": "Place",
        "service_type": "Service type",
        "fault": "Fault",
        "cause": "Cause",
        "solution": "Solution",
        "damaged": "Damaged equipment",
        "parts": "Replaced parts",
        "satisfaction": "Satisfaction",
        "asset": "Asset",
        "location": "Location",
        "items": "Checklist",
        "item": "Item",
        "state": "State",
        "value": "Reading",
        "note": "Note",
        "problems": "Problems found",
        "cause_analysis": "Cause",
        "measures": "Solution",
        "parts_to_replace": "Parts to replace",
        "photos": "Photos",
        "awaiting_upload": "Photos awaiting upload",
        "signature": "Client signature",
        "signer": "Signed by",
        "role": "Organisation / role",
        "phone": "Phone",
        "signed_at": "Signed at",
        "refusal": "Client refused to sign",
        "contact": "Contact person",
        "reason": "Reason",
        "refused_at": "Time",
        "unsigned": "Not signed yet",
        "record_hash": "Record hash (SHA-256)",
        "verify": "Scan to verify",
        "on_site": "On-site repair",
        "remote": "Remote resolution",
        "none": "None",
        "pass": "OK",
        "fail": "Fault",
        "na": "N/A",
        "answered": "Recorded",
        "incomplete": "Not answered",
    },
}

PHASES = {
    "zh-CN": {"before": "维修前", "during": "维修中", "after": "维修后", "other": "其他"},
    "en": {"before": "Before", "during": "During", "after": "After", "other": "Other"},
}

CAUSES = {
    "zh-CN": {
        "external_power": "外部供电",
        "external_fibre": "外部光纤",
        "external_cable": "外部线缆",
        "external_grounding": "外部接地",
        "external_environment": "外部环境",
        "misoperation": "误操作",
        "ageing_damage": "老化损坏",
        "software": "软件故障",
    },
    "en": {
        "external_power": "External power",
        "external_fibre": "External fibre",
        "external_cable": "External cable",
        "external_grounding": "External grounding",
        "external_environment": "External environment",
        "misoperation": "Misoperation",
        "ageing_damage": "Ageing / damage",
        "software": "Software",
    },
}

REFUSAL_REASONS = {
    "zh-CN": {
        "not_authorised": "无签字权限",
        "disagrees_with_record": "对记录有异议",
        "not_present": "负责人不在场",
        "other": "其他",
    },
    "en": {
        "not_authorised": "Not authorised",
        "disagrees_with_record": "Disagrees with the record",
        "not_present": "Not present",
        "other": "Other",
    },
}


@dataclass(frozen=True)
class Thumb:
    phase: str
    jpeg: bytes


@dataclass(frozen=True)
class Signature:
    """A signature (image may be missing while its bytes are on their way) or a refusal."""

    refused: bool
    name: str  # signer or contact person
    role: str = ""
    phone: str = ""
    at: str = ""
    reason: str = ""  # refusal: the reason key
    reason_text: str = ""
    image: bytes | None = None


@dataclass(frozen=True)
class Common:
    number: str
    project: str
    place: str
    record_hash: str
    verify_url: str
    signature: Signature | None
    thumbs: list[Thumb] = field(default_factory=list)
    # Phases of evidence photos whose bytes have not reached the server (work_orders/evidence.py).
    awaiting: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceRecord:
    common: Common
    technician: str
    reported_at: str
    arrived_at: str
    resolved_at: str
    remote: bool
    fault: str
    cause: str  # cause category key
    solution: str
    damaged: str
    parts: list[tuple[str, int]]
    satisfaction: int | None


@dataclass(frozen=True)
class ItemRow:
    label: str
    outcome: str  # inspections.checks.Outcome: pass | fail | na | answered | incomplete
    value: str
    note: str


@dataclass(frozen=True)
class InspectionReport:
    common: Common
    inspector: str
    asset: str
    location: str
    started_at: str
    finished_at: str
    items: list[ItemRow]
    problems: str
    cause: str
    solution: str
    parts_to_replace: str
