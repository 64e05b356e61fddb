"""The payload a phone receives: minimal, localised, one tag per ticket, within the cap."""

import uuid

import msgspec
import pytest

from backend.push.payload import (
    PAYLOAD_CAP_BYTES,
    PayloadTooLarge,
    build_payload,
    check_payload_size,
    decode_payload,
    resolve_language,
    ticket_topic,
)

KINDS = ["dispatched", "reassigned", "sla_warning", "escalated", "new_level1"]


def test_the_payload_carries_only_what_the_notification_needs():
    fields = msgspec.json.decode(build_payload(42, 2, "东门", "dispatched", "zh-CN"))

    assert set(fields) == {
        "ticket", "severity", "site", "kind", "lang", "title", "body",
        "url", "tag", "requireInteraction", "actions",
    }  # fmt: skip
    assert (fields["ticket"], fields["severity"], fields["site"]) == ("42", 2, "东门")
    assert fields["url"] == "/#/work-orders/42"
    assert fields["tag"] == "wo-42"


def test_the_title_and_buttons_are_in_the_recipients_language():
    chinese = decode_payload(build_payload(7, 1, "东门", "new_level1", "zh-CN"))
    english = decode_payload(build_payload(7, 1, "East gate", "new_level1", "en-GB"))

    assert chinese.title == "新一级故障 · 1级 · 东门"
    assert [a.title for a in chinese.actions] == ["查看", "接单"]
    assert english.title == "New level-1 fault · L1 · East gate"
    assert english.body == "Work order 7 needs an on-call technician."


@pytest.mark.parametrize(("severity", "sticky"), [(1, True), (2, False), (4, False)])
def test_only_a_level_one_notification_stays_until_the_technician_acts(severity, sticky):
    assert (
        decode_payload(build_payload(1, severity, "A", "dispatched", "en")).require_interaction
        is sticky
    )


@pytest.mark.parametrize(("kind", "buttons"), [("dispatched", 2), ("sla_warning", 1)])
def test_accept_is_offered_only_when_the_job_is_being_handed_over(kind, buttons):
    actions = decode_payload(build_payload(1, 3, "A", kind, "en")).actions

    assert [a.action for a in actions] == ["open", "accept"][:buttons]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_kind_fits_the_cap_even_with_a_long_id_and_site_name(kind, language):
    data = build_payload(uuid.uuid4(), 1, "很长的站点名称" * 20, kind, language)

    assert len(data) <= PAYLOAD_CAP_BYTES
    assert len(decode_payload(data).site) == 24


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en-US", "en"), ("EN", "en"), ("zh-Hans-CN", "zh-CN"), ("fr", "zh-CN"), (None, "zh-CN")],
)
def test_a_language_tag_resolves_to_one_of_our_catalogues(tag, expected):
    assert resolve_language(tag) == expected


def test_long_ticket_ids_get_a_short_stable_distinct_topic():
    first, second = uuid.uuid4(), uuid.uuid4()

    assert ticket_topic(first) == ticket_topic(first)
    assert ticket_topic(first) != ticket_topic(second)
    assert len(ticket_topic(first)) == 32 and ticket_topic(first).startswith("wo-")


def test_a_payload_over_the_cap_is_refused_with_its_size():
    with pytest.raises(PayloadTooLarge, match="2000 bytes, the cap is 1024"):
        check_payload_size(b"x" * 2000)


def test_no_cap_may_exceed_what_rfc_8291_can_decrypt():
    with pytest.raises(ValueError, match="3993"):
        check_payload_size(b"x", limit=4000)


@pytest.mark.parametrize(
    ("severity", "kind"), [(0, "dispatched"), (5, "dispatched"), (1, "closed")]
)
def test_an_unknown_severity_or_kind_is_refused(severity, kind):
    with pytest.raises(ValueError):
        build_payload(1, severity, "A", kind, "en")
