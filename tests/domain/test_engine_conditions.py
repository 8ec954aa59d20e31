"""The condition language: parsing, three-valued evaluation, and the errors officials see."""

from __future__ import annotations

import pytest

from bot.domain import conditions
from bot.domain.conditions import Compare, ConditionError, Known, Path, Truth, evaluate, parse

FACTS: dict[tuple[str, ...], object] = {
    ("procedure", "level"): 4,
    ("procedure", "channels", "online"): True,
    ("procedure", "channels", "post"): False,
    ("procedure", "postal", "return_result"): None,
    ("procedure", "name"): "Đăng ký khai sinh",
    ("procedure", "online_steps"): [],
    ("procedure", "documents"): ["tờ khai"],
    ("answers", "helpful"): "useful",
    ("search", "count"): 3,
}


def check(text: str) -> bool | None:
    return evaluate(parse(text), lambda parts: FACTS.get(parts))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("procedure.level == 4", True),
        ("procedure.level != 4", False),
        ("procedure.level >= 3 and procedure.level < 5", True),
        ("search.count > 3", False),
        ("search.count <= 3", True),
        ('answers.helpful == "useful"', True),
        ("answers.helpful == 'useful'", True),
        ("procedure.channels.online", True),
        ("not procedure.channels.online", False),
        ("procedure.channels.post or procedure.channels.online", True),
        ("procedure.channels.post or (procedure.level == 4 and not procedure.channels.post)", True),
        ("procedure.online_steps", False),  # an empty list reads as false
        ("procedure.documents", True),
        ("procedure.name", True),
        ("procedure.channels.online == true", True),
        ("procedure.channels.post == false", True),
    ],
)
def test_known_facts(text: str, expected: bool) -> None:
    assert check(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("procedure.postal.return_result", None),
        ("not procedure.postal.return_result", None),  # not unknown is still unknown
        ("procedure.postal.return_result == true", None),
        ("procedure.postal.return_result and procedure.channels.post", False),  # false and unknown
        ("procedure.postal.return_result and procedure.channels.online", None),
        ("procedure.postal.return_result or procedure.channels.online", True),  # true or unknown
        ("procedure.postal.return_result or procedure.channels.post", None),
        ("procedure.postal.return_result is unknown", True),
        ("procedure.postal.return_result is known", False),
        ("answers.comment is unknown", True),
        ("procedure.level is known", True),
    ],
)
def test_unknown_facts_stay_unknown_until_asked_about(text: str, expected: bool | None) -> None:
    assert check(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "procedure.channels.online == 1",  # true is not the number 1
        'procedure.level == "4"',  # the number 4 is not the text "4"
        'procedure.level > "3"',
        "procedure.name > 3",
    ],
)
def test_values_of_another_type_never_match(text: str) -> None:
    assert check(text) is False


def test_the_parsed_form() -> None:
    expr = parse("not procedure.level == 4 or answers.x is unknown")
    assert expr == conditions.Any_(
        (
            conditions.Not(Compare(Path(("procedure", "level")), "==", 4)),
            Known(Path(("answers", "x")), known=False),
        )
    )
    assert list(conditions.walk(expr)) == [
        Compare(Path(("procedure", "level")), "==", 4),
        Known(Path(("answers", "x")), known=False),
    ]
    assert parse("flow.called") == Truth(Path(("flow", "called")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the condition is empty"),
        ("procedure.level ==", "ends too early"),
        ("procedure.level == 4 procedure.name", "unexpected 'procedure.name'"),
        ("procedure.level == four", "compare with a value"),
        ("procedure.level is maybe", "write 'known' or 'unknown'"),
        ("(procedure.level == 4", "ends too early"),
        ("procedure.level == 4)", "unexpected ')'"),
        ("procedure.level ~ 4", "cannot read '~ 4'"),
        ("== 4", "expected a fact"),
        ("not", "ends too early"),
        ("true", "expected a fact"),
    ],
)
def test_unreadable_conditions_say_why(text: str, message: str) -> None:
    with pytest.raises(ConditionError) as raised:
        parse(text)
    assert message in str(raised.value)
