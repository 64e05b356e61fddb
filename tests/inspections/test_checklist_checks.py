import pytest

from backend.inspections.checks import Answer, evaluate
from backend.inspections.templates import (
    ChoiceItem,
    ChoiceOption,
    Label,
    PassFailItem,
    PhotoItem,
    ReadingItem,
    TextItem,
)

LABEL = Label(zh="检查项", en="Check")
VOLTAGE = ReadingItem(key="supply_voltage", label=LABEL, unit="V", min=10.8, max=13.2)
GROUNDING = ReadingItem(key="grounding_resistance", label=LABEL, unit="Ω", min=None, max=4)
NIGHT_RATE = ReadingItem(key="recognition_rate_night", label=LABEL, unit="%", min=95, max=None)
LIGHTS = ChoiceItem(
    key="indicator_lights",
    label=LABEL,
    options=[
        ChoiceOption("normal", Label("正常", "Normal")),
        ChoiceOption("off", Label("不亮", "Off")),
    ],
    failing=["off"],
)


@pytest.mark.parametrize(
    ("item", "value", "outcome"),
    [
        (VOLTAGE, 12.1, "pass"),
        (VOLTAGE, 10.8, "pass"),
        (VOLTAGE, 13.2, "pass"),
        (VOLTAGE, 10.79, "fail"),
        (VOLTAGE, 13.3, "fail"),
        (GROUNDING, 3.9, "pass"),
        (GROUNDING, 4.0, "pass"),
        (GROUNDING, 4.2, "fail"),
        (NIGHT_RATE, 95, "pass"),
        (NIGHT_RATE, 94.9, "fail"),
    ],
)
def test_a_reading_passes_inside_its_range_and_fails_outside_it(item, value, outcome):
    assert evaluate(item, Answer(value=value)).outcome == outcome


def test_an_out_of_range_reading_explains_the_allowed_range():
    result = evaluate(GROUNDING, Answer(value=4.6))
    assert result.reason == "4.6 Ω is outside the allowed ≤ 4 Ω"


def test_a_missing_or_boolean_reading_is_incomplete_not_a_pass():
    assert evaluate(VOLTAGE, Answer()).outcome == "incomplete"
    assert evaluate(VOLTAGE, Answer(value=True)).outcome == "incomplete"
    assert evaluate(VOLTAGE, Answer(value="12")).outcome == "incomplete"


def test_pass_fail_items_follow_the_inspectors_verdict():
    item = PassFailItem(key="mounting_firm", label=LABEL)
    assert evaluate(item, Answer(value=True)).outcome == "pass"
    failed = evaluate(item, Answer(value=False, note="bracket loose"))
    assert (failed.outcome, failed.reason) == ("fail", "bracket loose")
    assert evaluate(item, Answer()).outcome == "incomplete"


def test_not_applicable_is_recorded_with_its_reason():
    result = evaluate(NIGHT_RATE, Answer(not_applicable=True, note="day-only checkpoint"))
    assert (result.outcome, result.reason) == ("na", "day-only checkpoint")


def test_a_photo_required_item_without_a_photo_is_incomplete_even_if_it_passed():
    item = PassFailItem(key="image_clear", label=LABEL, photo_required=True)
    assert evaluate(item, Answer(value=True)).outcome == "incomplete"
    assert evaluate(item, Answer(value=True, photo_count=1)).outcome == "pass"


def test_a_photo_item_is_answered_by_a_photo():
    item = PhotoItem(key="site_photo", label=LABEL)
    assert evaluate(item, Answer(photo_count=2)).outcome == "answered"
    assert evaluate(item, Answer()).outcome == "incomplete"


def test_a_choice_fails_on_a_failing_option_and_rejects_unknown_ones():
    assert evaluate(LIGHTS, Answer(value="normal")).outcome == "pass"
    off = evaluate(LIGHTS, Answer(value="off"))
    assert (off.outcome, off.reason) == ("fail", "Off counts as a fault")
    assert evaluate(LIGHTS, Answer(value="blinking")).outcome == "incomplete"


def test_a_choice_without_failing_options_is_merely_answered():
    item = ChoiceItem(
        key="weather", label=LABEL, options=[ChoiceOption("rain", Label("雨", "Rain"))]
    )
    assert evaluate(item, Answer(value="rain")).outcome == "answered"


def test_text_is_answered_when_written_and_optional_text_may_stay_blank():
    required = TextItem(key="problems", label=LABEL)
    optional = TextItem(key="remarks", label=LABEL, required=False)
    assert evaluate(required, Answer(value="fan noisy")).outcome == "answered"
    assert evaluate(required, Answer(value="  ")).outcome == "incomplete"
    assert evaluate(optional, Answer()).outcome == "na"
