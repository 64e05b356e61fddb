"""The sync wire protocol (see PROTOCOL.md): a tagged union of client mutations, the push
and pull envelopes, and the records the server keeps about conflicts and losing values.

Every mutation names its entity and the generic operation it performs (`op()`), so the
merge engine stays generic and new entities only add Structs here and a declaration.
"""

import hashlib
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from sync.clock import HLC_PATTERN

UUID7_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
MAX_BATCH = 500

MutationId = Annotated[str, Meta(pattern=UUID7_PATTERN)]
Key = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
HlcText = Annotated[str, Meta(pattern=HLC_PATTERN)]
Text = Annotated[str, Meta(max_length=10_000)]
Title = Annotated[str, Meta(min_length=1, max_length=200)]
Value = str | int | float | bool | None


class ProtocolError(ValueError):
    """A push body that is not a valid message; the HTTP adapter answers 422."""


class IdReusedError(ProtocolError):
    """A mutation id seen before arrived with a different body; also 422."""


class Wire(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class Op(Struct, frozen=True, kw_only=True):
    """The generic operation a mutation performs; what the merge engine dispatches on."""

    kind: Literal["create", "set", "move", "add_event", "remove_event", "delete"]
    values: dict[str, Any] = {}
    field: str | None = None
    to: Any = None
    event_id: str | None = None
    data: dict[str, Any] | None = None


class Base(Wire):
    """What the user saw when acting; rules compare it with the current record."""

    version: int | None = None
    status: str | None = None
    values: dict[str, Value] = {}


class Mutation(Wire, tag_field="name"):
    entity: ClassVar[str]
    id: MutationId
    client_id: Key
    seq: Annotated[int, Meta(ge=1)]
    hlc: HlcText
    record_id: Key
    base: Base = msgspec.field(default_factory=Base)

    def op(self) -> Op:
        raise NotImplementedError


def _set_values(fields: Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(fields).items() if v is not UNSET}


class AssetFields(Wire):
    notes: Text | UnsetType = UNSET
    location: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    status: Key | UnsetType = UNSET


class SetAssetFields(Mutation, tag="asset.set_fields", kw_only=True):
    entity = "asset"
    fields: AssetFields

    def op(self) -> Op:
        return Op(kind="set", values=_set_values(self.fields))


class WorkOrderFields(Wire):
    title: Title | UnsetType = UNSET
    notes: Text | UnsetType = UNSET


class CreateWorkOrder(Mutation, tag="work_order.create", kw_only=True):
    entity = "work_order"
    title: Title
    notes: Text = ""
    # Where the record lives; not merge fields (they never change after creation). The server
    # requires site_id and rejects a site the caller may not see.
    site_id: Key | None = None
    asset_id: Key | None = None

    def op(self) -> Op:
        return Op(kind="create", values={"title": self.title, "notes": self.notes})


class SetWorkOrderFields(Mutation, tag="work_order.set_fields", kw_only=True):
    entity = "work_order"
    fields: WorkOrderFields

    def op(self) -> Op:
        return Op(kind="set", values=_set_values(self.fields))


class TransitionWorkOrder(Mutation, tag="work_order.transition", kw_only=True):
    entity = "work_order"
    to: Key
    # Why: required to cancel or reopen, and when a failed verification sends the work back.
    reason: Text = ""

    def op(self) -> Op:
        return Op(kind="move", field="status", to=self.to)


class AssignWorkOrder(Mutation, tag="work_order.assign", kw_only=True):
    entity = "work_order"
    assignee: Key | None

    def op(self) -> Op:
        return Op(kind="move", field="assignee", to=self.assignee)


class AddWorkOrderComment(Mutation, tag="work_order.add_comment", kw_only=True):
    entity = "work_order"
    comment_id: Key
    body: Annotated[str, Meta(min_length=1, max_length=10_000)]

    def op(self) -> Op:
        return Op(kind="add_event", field="comments", event_id=self.comment_id,
                  data={"body": self.body})


class RemoveWorkOrderComment(Mutation, tag="work_order.remove_comment", kw_only=True):
    entity = "work_order"
    comment_id: Key

    def op(self) -> Op:
        return Op(kind="remove_event", field="comments", event_id=self.comment_id)


class DeleteWorkOrder(Mutation, tag="work_order.delete", kw_only=True):
    entity = "work_order"

    def op(self) -> Op:
        return Op(kind="delete")


CauseCategory = Literal[
    "external_power", "external_fibre", "external_cable", "external_grounding",
    "external_environment", "misoperation", "ageing_damage", "software",
]
AwareTime = Annotated[datetime, Meta(tz=True)]


class PartData(Wire):
    item: Annotated[str, Meta(min_length=1, max_length=100)]
    quantity: Annotated[int, Meta(ge=1, le=10_000)] = 1


class DiagnosisData(Wire):
    cause: CauseCategory
    findings: Text
    actions: Text
    parts_used: list[PartData] | None = None


class VerificationData(Wire):
    self_check_in_range: bool
    functional_test_passed: bool
    stable_from: AwareTime | None = None
    stable_until: AwareTime | None = None


class FollowUpData(Wire):
    satisfaction: Annotated[int, Meta(ge=1, le=5)]
    comment: Text = ""
    same_fault: bool = True  # unsatisfied about the same fault reopens; otherwise a new ticket


def _plain(value: Any) -> Any:
    return msgspec.to_builtins(value)


class DiagnoseWorkOrder(Mutation, tag="work_order.diagnose", kw_only=True):
    entity = "work_order"
    diagnosis: DiagnosisData

    def op(self) -> Op:
        return Op(kind="set", values={"diagnosis": _plain(self.diagnosis)})


class RecordWorkOrderParts(Mutation, tag="work_order.record_parts", kw_only=True):
    entity = "work_order"
    parts: Annotated[list[PartData], Meta(max_length=200)]

    def op(self) -> Op:
        return Op(kind="set", values={"parts_used": _plain(self.parts)})


class VerifyWorkOrder(Mutation, tag="work_order.verify", kw_only=True):
    entity = "work_order"
    verification: VerificationData

    def op(self) -> Op:
        return Op(kind="set", values={"verification": _plain(self.verification)})


class SetWorkOrderSeverity(Mutation, tag="work_order.set_severity", kw_only=True):
    entity = "work_order"
    severity: Annotated[int, Meta(ge=1, le=4)]

    def op(self) -> Op:
        return Op(kind="set", values={"severity": self.severity})


class RecordWorkOrderFollowUp(Mutation, tag="work_order.record_follow_up", kw_only=True):
    entity = "work_order"
    follow_up: FollowUpData

    def op(self) -> Op:
        return Op(kind="set", values={"follow_up": _plain(self.follow_up)})


# --- Evidence (issue 6): photos are append-only events on their record; signing is a status
# move carrying the capture and the hash the signer saw. The server handles `*.sign` as a
# command (backend/sync_api/commands.py): it recomputes the record hash; equal → signed and
# locked, different → a `stale_signature` conflict for a person.

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
Phase = Literal["before", "during", "after", "other"]
ShortText = Annotated[str, Meta(min_length=1, max_length=200)]
Point = tuple[float, float, float]  # x, y in the pad's CSS pixels; t in ms since the first touch
Stroke = Annotated[list[Point], Meta(max_length=5000)]


class PhotoData(Wire):
    """One photo of a record. The bytes travel separately (blobs protocol, by `sha256`); the
    record may reference them before they arrive."""

    sha256: Sha256
    phase: Phase
    captured_at: AwareTime
    item: Key | None = None  # the checklist item (inspections)
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None = None


class SignatureCapture(Wire, tag="signature"):
    signer_name: ShortText
    role: ShortText  # role / organisation, e.g. "甲方代表 示例市看守所"
    signed_at: AwareTime
    image_sha256: Sha256  # the PNG of the signature, uploaded as a blob
    strokes: Annotated[list[Stroke], Meta(min_length=1, max_length=500)]
    phone: Annotated[str, Meta(max_length=30)] | None = None


RefusalReason = Literal["not_authorised", "disagrees_with_record", "not_present", "other"]


class Refusal(Wire, tag="refusal"):
    """Printed instead of a signature: 记录客户联系人及原因."""

    contact_person: ShortText
    reason: RefusalReason
    reason_text: Annotated[str, Meta(max_length=500)]
    refused_at: AwareTime


Capture = SignatureCapture | Refusal


class AddWorkOrderPhoto(Mutation, tag="work_order.add_photo", kw_only=True):
    entity = "work_order"
    photo_id: Key
    photo: PhotoData

    def op(self) -> Op:
        return Op(kind="add_event", field="photos", event_id=self.photo_id, data=_plain(self.photo))


class RemoveWorkOrderPhoto(Mutation, tag="work_order.remove_photo", kw_only=True):
    entity = "work_order"
    photo_id: Key

    def op(self) -> Op:
        return Op(kind="remove_event", field="photos", event_id=self.photo_id)


class SignWorkOrder(Mutation, tag="work_order.sign", kw_only=True):
    """base.status must be the status the signer saw ("verified")."""

    entity = "work_order"
    record_hash: Sha256
    capture: Capture

    def op(self) -> Op:
        return Op(kind="move", field="status", to="signed")


# --- Inspections (issue 5): one record per asset inspected; answers and photos are events
# keyed by client UUIDs (the newest answer per item by HLC counts), the narrative fields are
# last-writer-wins scalars, and the status moves draft → submitted → signed | refused.


class StartInspection(Mutation, tag="inspection.start", kw_only=True):
    entity = "inspection"
    site_id: Key
    asset_id: Key
    round_id: Key | None = None
    template_id: Annotated[str, Meta(min_length=1, max_length=60)] | None = None  # None: by device type
    started_at: AwareTime

    def op(self) -> Op:
        return Op(kind="create", values={})


AnswerValue = str | int | float | bool | None


class InspectionAnswer(Wire):
    item: Key
    value: AnswerValue = None
    not_applicable: bool = False
    note: Annotated[str, Meta(max_length=2000)] = ""


class AnswerInspectionItem(Mutation, tag="inspection.answer", kw_only=True):
    entity = "inspection"
    answer_id: Key
    answer: InspectionAnswer

    def op(self) -> Op:
        return Op(kind="add_event", field="answers", event_id=self.answer_id, data=_plain(self.answer))


class InspectionFields(Wire):
    problems: Text | UnsetType = UNSET
    cause: Text | UnsetType = UNSET
    solution: Text | UnsetType = UNSET
    parts_to_replace: Text | UnsetType = UNSET


class SetInspectionFields(Mutation, tag="inspection.set_fields", kw_only=True):
    entity = "inspection"
    fields: InspectionFields

    def op(self) -> Op:
        return Op(kind="set", values=_set_values(self.fields))


class AddInspectionPhoto(Mutation, tag="inspection.add_photo", kw_only=True):
    entity = "inspection"
    photo_id: Key
    photo: PhotoData

    def op(self) -> Op:
        return Op(kind="add_event", field="photos", event_id=self.photo_id, data=_plain(self.photo))


class RemoveInspectionPhoto(Mutation, tag="inspection.remove_photo", kw_only=True):
    entity = "inspection"
    photo_id: Key

    def op(self) -> Op:
        return Op(kind="remove_event", field="photos", event_id=self.photo_id)


class SubmitInspection(Mutation, tag="inspection.submit", kw_only=True):
    entity = "inspection"
    finished_at: AwareTime

    def op(self) -> Op:
        return Op(kind="move", field="status", to="submitted")


class SignInspection(Mutation, tag="inspection.sign", kw_only=True):
    """base.status must be "submitted"; a refusal moves the record to "refused"."""

    entity = "inspection"
    record_hash: Sha256
    capture: Capture

    def op(self) -> Op:
        target = "refused" if isinstance(self.capture, Refusal) else "signed"
        return Op(kind="move", field="status", to=target)


# Mutations the server decides with a domain service (backend/sync_api/commands.py) rather
# than the generic merge rules alone; clients still replay them locally by their op().
COMMANDS = frozenset({"work_order.sign", "inspection.sign"})

ClientMutation = (
    SetAssetFields
    | CreateWorkOrder
    | SetWorkOrderFields
    | TransitionWorkOrder
    | AssignWorkOrder
    | AddWorkOrderComment
    | RemoveWorkOrderComment
    | DeleteWorkOrder
    | DiagnoseWorkOrder
    | RecordWorkOrderParts
    | VerifyWorkOrder
    | SetWorkOrderSeverity
    | RecordWorkOrderFollowUp
    | AddWorkOrderPhoto
    | RemoveWorkOrderPhoto
    | SignWorkOrder
    | StartInspection
    | AnswerInspectionItem
    | SetInspectionFields
    | AddInspectionPhoto
    | RemoveInspectionPhoto
    | SubmitInspection
    | SignInspection
)


class PushRequest(Wire):
    client_id: Key
    mutations: Annotated[list[ClientMutation], Meta(min_length=1, max_length=MAX_BATCH)]


Outcome = Literal["applied", "duplicate", "conflict", "rejected"]


class PushResult(Wire):
    id: str
    status: Outcome
    message: str | None = None
    conflict_id: str | None = None
    # Set only on a duplicate: what the first delivery decided.
    original_status: Literal["applied", "conflict", "rejected"] | None = None


class PushResponse(Wire):
    results: list[PushResult]


class Change(Wire):
    seq: int
    op: Literal["upsert", "tombstone", "evict"]
    entity: str
    id: str
    data: dict[str, Any] | None = None


class PullResponse(Wire):
    changes: list[Change]
    cursor: str
    has_more: bool
    last_applied_mutation_id: str | None
    reset_required: bool = False


class Loser(Wire):
    """A value that lost a last-writer-wins race; kept so nothing acknowledged is lost."""

    field: str
    value: Any
    hlc: str | None
    winner_hlc: str


ConflictKind = Literal[
    "stale_base", "illegal_transition", "edit_after_delete", "amendment_request", "stale_signature"
]


class Conflict(Wire):
    """A mutation not applied because a person must decide; shown to a dispatcher."""

    id: str
    kind: ConflictKind
    entity: str
    record_id: str
    mutation_id: str
    client_id: str
    hlc: str
    fields: list[str]
    current: dict[str, Any]
    proposed: dict[str, Any]
    seen: dict[str, Any]
    message: str


_push_decoder = msgspec.json.Decoder(PushRequest)


def decode_push(body: bytes) -> PushRequest:
    try:
        request = _push_decoder.decode(body)
    except msgspec.DecodeError as error:
        raise ProtocolError(f"invalid push: {error}") from None
    _check_batch(request)
    return request


def _check_batch(request: PushRequest) -> None:
    seen_ids: set[str] = set()
    last_seq = 0
    for index, mutation in enumerate(request.mutations):
        where = f"mutations[{index}]"
        if mutation.client_id != request.client_id:
            raise ProtocolError(f"invalid push: {where}.client_id differs from the batch client_id")
        if mutation.id in seen_ids:
            raise ProtocolError(f"invalid push: {where}.id appears twice in one batch")
        if mutation.seq <= last_seq:
            raise ProtocolError(f"invalid push: {where}.seq must increase within a batch")
        seen_ids.add(mutation.id)
        last_seq = mutation.seq


def mutation_from_builtins(data: Any) -> ClientMutation:
    try:
        return msgspec.convert(data, ClientMutation)
    except msgspec.ValidationError as error:
        raise ProtocolError(f"invalid mutation: {error}") from None


def fingerprint(mutation: Mutation) -> str:
    """Digest of the decoded body; defaults are filled in first, so equal meaning, equal digest."""
    return hashlib.sha256(msgspec.json.encode(mutation, order="sorted")).hexdigest()
