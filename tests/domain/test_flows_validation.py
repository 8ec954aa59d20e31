"""One test per validation rule of flows.yaml: inline YAML, then the Problem's file, line, field, message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.flows_file import check_flows_text, load_flows
from bot.errors import ContentInvalid, Problem
from tests.helpers import BASE_FLOWS, FLOWS_HEADER, flows_text, line_of, make_catalogue, make_procedure

FILE = "flows.yaml"


def problems(text: str, **kwargs: object) -> list[Problem]:
    return check_flows_text(text, FILE, **kwargs)  # type: ignore[arg-type]


def only(text: str, **kwargs: object) -> Problem:
    found = problems(text, **kwargs)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def with_flow(steps: str, name: str = "extra", entry: str = "") -> str:
    """A flow `name` with the given steps, opened by a menu button (or, given `entry` flows, the first
    of them is: they come before `name` in the file)."""
    first = entry.split(":", 1)[0].strip() if entry else name
    base = BASE_FLOWS.replace(
        "          - {id: find, label: Tìm, goto: find}\n",
        f"          - {{id: find, label: Tìm, goto: find}}\n"
        f"          - {{id: open, label: Mở, goto: {first}}}\n",
    )
    return flows_text(f"{entry}  {name}:\n    title: Thử\n    steps:\n{steps}", base=base)


# --- first pass: the shape --------------------------------------------------------------------------


def test_the_real_flows_file_is_valid_with_the_real_catalogue(real_catalogue: object) -> None:
    load_flows(Path("flows.yaml"), real_catalogue)  # type: ignore[arg-type]


def test_yaml_syntax_errors_name_their_line() -> None:
    text = flows_text("  broken: [unclosed\n")
    problem = only(text)
    assert (problem.file, problem.field) == (FILE, "(yaml)")
    assert "not valid YAML" in problem.message


def test_an_unknown_key_in_a_step_points_at_that_key_without_the_kind_level() -> None:
    text = with_flow("      - id: a\n        say: Chào\n        colour: red\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.colour"
    assert problem.line == line_of(text, "colour: red")
    assert "unknown field" in problem.message


def test_a_step_needs_a_kind() -> None:
    text = with_flow("      - id: a\n        next: end\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0"
    assert problem.line == line_of(text, "- id: a")
    assert "exactly one of: say, ask" in problem.message


def test_a_step_cannot_have_two_kinds() -> None:
    text = with_flow("      - id: a\n        say: Chào\n        goto: end\n")
    assert "exactly one of" in only(text).message


def test_names_must_be_short_lowercase_words() -> None:
    text = with_flow("      - id: Bước-Một\n        say: Chào\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.id"
    assert "wrong form" in problem.message


def test_a_button_needs_exactly_one_action() -> None:
    text = with_flow(
        "      - id: a\n        ask: Hỏi\n        buttons:\n"
        "          - {id: b, label: B, goto: a, call: menu}\n"
    )
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.buttons.0"
    assert "exactly one of goto:, call: or command:" in problem.message


def test_a_required_section_missing_is_reported_on_the_first_line() -> None:
    text = flows_text(header=FLOWS_HEADER.split("messages:")[0])
    problem = only(text)
    assert (problem.field, problem.line) == ("messages", 1)
    assert "required" in problem.message


def test_a_command_needs_one_action() -> None:
    text = flows_text(top="", header=FLOWS_HEADER.replace("action: back}", "}"))
    problem = only(text)
    assert problem.field == "commands.back"
    assert "exactly one of goto:, call: or action:" in problem.message


# --- second pass: references --------------------------------------------------------------------------


def test_a_target_that_names_nothing() -> None:
    text = with_flow("      - id: a\n        say: Chào\n        next: nowhere\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.next"
    assert problem.line == line_of(text, "next: nowhere")
    assert "no step or flow named 'nowhere'" in problem.message and "steps of extra: a" in problem.message


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("find.serch", "the flow 'find' has no step 'serch' (its steps: search, pick, none_found)"),
        ("fnd.search", "no flow named 'fnd' (flows: menu, find, overview, door, extra)"),
    ],
)
def test_a_flow_step_target_that_names_nothing(target: str, message: str) -> None:
    entry = "  door:\n    title: Cửa\n    steps:\n      - id: knock\n        ask: Gõ\n        buttons:\n"
    entry += "          - {id: go, label: Đi, goto: extra}\n"
    text = with_flow(f"      - id: s1\n        goto: {target}\n", entry=entry)
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.goto", line_of(text, f"goto: {target}"))
    assert problem.message == message


def test_a_call_to_an_unknown_flow() -> None:
    text = with_flow("      - id: a\n        call: ghost\n")
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.call", line_of(text, "call: ghost"))


def test_call_end_is_refused() -> None:
    text = with_flow("      - id: a\n        call: end\n")
    assert only(text).message == "call: needs a flow to run, not end"


def test_settings_must_name_flows() -> None:
    text = flows_text(header=FLOWS_HEADER.replace("home: menu", "home: nowhere"))
    found = problems(text)
    assert [(p.field, p.line) for p in found] == [("settings.home", line_of(text, "home: nowhere"))]


def test_a_button_command_must_exist() -> None:
    text = with_flow(
        "      - id: a\n        ask: Hỏi\n        buttons:\n          - {id: b, label: B, command: fly}\n"
    )
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.buttons.0.command"
    assert "no command named 'fly'" in problem.message


def test_an_unreachable_step() -> None:
    text = with_flow(
        "      - id: a\n        say: Chào\n        next: end\n      - id: orphan\n        say: Lạc\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.1.id", line_of(text, "id: orphan"))
    assert problem.message == "the step 'orphan' can never be reached"


def test_an_unused_flow() -> None:
    text = flows_text("  lonely:\n    title: Một mình\n    steps:\n      - id: a\n        say: Chào\n")
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.lonely", line_of(text, "title: Một mình"))
    assert "never used" in problem.message


def test_a_branch_needs_else() -> None:
    text = with_flow(
        "      - id: a\n        branch:\n          - when: procedure.channels.online\n            goto: end\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.else", line_of(text, "- id: a"))
    assert "needs else:" in problem.message


def test_duplicate_step_ids() -> None:
    text = with_flow("      - id: a\n        say: Một\n      - id: a\n        say: Hai\n")
    found = problems(text)
    assert any(
        p.field == "flows.extra.steps.1.id"
        and p.line == line_of(text, "- id: a", 2)
        and "already called 'a'" in p.message
        for p in found
    ), found


def test_duplicate_button_ids_in_one_step() -> None:
    text = with_flow(
        "      - id: a\n        ask: Hỏi\n        buttons:\n"
        "          - {id: b, label: Một, goto: end}\n          - {id: b, label: Hai, goto: end}\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.buttons.1.id", line_of(text, "label: Hai"))
    assert "used twice" in problem.message


def test_a_step_named_like_a_flow_is_ambiguous() -> None:
    text = with_flow("      - id: menu\n        say: Chào\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.id"
    assert "also a flow's name" in problem.message


def test_steps_that_loop_without_waiting() -> None:
    text = with_flow("      - id: a\n        say: Một\n        next: b\n      - id: b\n        goto: a\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0"
    assert "go round without waiting: extra.a -> extra.b -> extra.a" in problem.message


def test_a_call_into_a_flow_that_never_ends() -> None:
    # ping calls pong, pong calls ping: neither can ever reach end, so neither call comes back
    entry = """\
  door:
    title: Cửa vào
    steps:
      - id: knock
        ask: Mở
        buttons:
          - {id: go, label: Đi, call: ping}
"""
    pong = "  pong:\n    title: Pong\n    steps:\n      - id: b\n        ask: B\n        buttons:\n"
    pong += "          - {id: back, label: Lại, call: ping}\n"
    text = with_flow(
        "      - id: a\n        ask: A\n        buttons:\n          - {id: go, label: Đi, call: pong}\n",
        name="ping",
        entry=entry + pong,
    )
    found = [p for p in problems(text) if "never returns" in p.message]
    assert {p.field for p in found} == {
        "flows.door.steps.0.buttons.0.call",
        "flows.ping.steps.0.buttons.0.call",
        "flows.pong.steps.0.buttons.0.call",
    }
    assert "the flow 'pong' never reaches end" in next(
        p.message for p in found if p.field.startswith("flows.ping")
    )


# --- second pass: facts, conditions, terms ------------------------------------------------------------


def test_a_template_field_no_procedure_has() -> None:
    text = with_flow("      - id: a\n        say: 'Phí: {procedure.fee.txt}'\n")
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.say", line_of(text, "fee.txt"))
    assert problem.message == "no procedure has the field 'fee.txt' (did you mean 'fee.text'?)"


def test_a_field_in_a_multi_line_text_points_at_its_own_line() -> None:
    text = with_flow(
        "      - id: s1\n        say: |-\n          Tên: {procedure.name}\n          Phí: {procedure.fe}\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.say", line_of(text, "Phí: {procedure.fe}"))


def test_a_template_cannot_reach_into_a_list() -> None:
    text = with_flow("      - id: a\n        say: '{procedure.documents.name}'\n")
    assert "no procedure has the field 'documents.name'" in only(text).message


def test_a_template_syntax_error() -> None:
    text = with_flow("      - id: a\n        say: 'Phí {procedure.fee.text'\n")
    assert "lone '{'" in only(text).message


def test_an_answer_no_step_saves() -> None:
    text = with_flow("      - id: a\n        say: 'Bạn chọn {answers.colour}'\n")
    assert only(text).message == "no step of flow 'extra' saves an answer 'colour' (saved: none)"


def test_item_outside_a_walk() -> None:
    text = with_flow("      - id: a\n        say: '{item.title}'\n")
    assert only(text).message == "item. can only be used in a walk step or a formats: template"


def test_a_walk_item_field_must_exist() -> None:
    steps = (
        "      - id: w\n        walk: procedure.online_steps\n        text: '{item.titel}'\n"
        "        continue_button: Tiếp\n        stuck_button: Khó\n        help: '{item.help}'\n"
        "        no_help: Không có\n        done: end\n"
    )
    text = with_flow(steps)
    problem = only(text)
    assert (problem.field, problem.message) == (
        "flows.extra.steps.0.text",
        "a online_steps item has no field 'titel'",
    )


def test_an_unknown_condition_field() -> None:
    text = with_flow(
        "      - id: a\n        branch:\n          - when: procedure.chanels.online\n            goto: end\n"
        "        else: end\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.branch.0.when", line_of(text, "chanels"))
    assert "no procedure has the field 'chanels.online'" in problem.message


def test_a_condition_that_cannot_be_read() -> None:
    text = with_flow(
        "      - id: a\n        branch:\n          - when: procedure.level ==\n"
        "            goto: end\n        else: end\n"
    )
    assert only(text).message.startswith("cannot read the condition:")


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ('procedure.level == "4"', "procedure.level is one of 2, 3, 4; it is never '4'"),
        ("procedure.level == 5", "procedure.level is one of 2, 3, 4; it is never 5"),
        (
            "procedure.channels.online == 1",
            "procedure.channels.online is true or false; compare with true or false",
        ),
        ("procedure.name > 3", "procedure.name cannot be compared with >"),
    ],
)
def test_a_comparison_that_can_never_hold(condition: str, message: str) -> None:
    text = with_flow(
        f"      - id: a\n        branch:\n          - when: '{condition}'\n"
        "            goto: end\n        else: end\n"
    )
    assert only(text).message == message


def test_a_fact_that_can_be_unknown_needs_its_own_case() -> None:
    text = with_flow(
        "      - id: a\n        branch:\n          - when: procedure.postal.return_result\n"
        "            goto: end\n"
        "        else: end\n"
    )
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.branch.0.when"
    assert "procedure.postal.return_result can be unknown" in problem.message
    guarded = text.replace("        else: end\n", "        else: end\n        unknown: end\n")
    assert problems(guarded) == []


def test_a_choice_shown_in_text_needs_terms_for_every_value() -> None:
    text = with_flow("      - id: a\n        say: 'Mức: {procedure.level}'\n", name="extra")
    text = text.replace("flows:\n", 'terms:\n  level: {"4": toàn trình}\nflows:\n')
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.say"
    assert problem.message == "terms: has no label for level = 2, 3"


def test_terms_must_label_real_fields_and_values() -> None:
    text = flows_text(top='terms:\n  levle: {"4": a}\n  level: {"5": b}\n')
    found = problems(text)
    assert [(p.field, p.line) for p in found] == [
        ("terms.levle", line_of(text, "levle")),
        ("terms.level.5", line_of(text, '"5": b')),
    ]
    assert "did you mean 'level'?" in found[0].message
    assert found[1].message == "level is never '5' (2, 3, 4)"


def test_a_record_list_shown_in_text_needs_a_format() -> None:
    text = with_flow("      - id: a\n        say: '{procedure.documents}'\n")
    assert only(text).message == "formats: has no template for documents, so it cannot be shown"


def test_formats_only_for_records() -> None:
    text = flows_text(top="formats:\n  fee.text: '{item.name}'\n")
    found = problems(text)
    assert found[0].field == "formats.fee.text"
    assert "not a record or list of records" in found[0].message


def test_a_command_word_used_twice() -> None:
    header = FLOWS_HEADER.replace('words: ["bắt đầu lại"]', 'words: ["bắt đầu lại", "Menu"]')
    problem = only(flows_text(header=header))
    assert problem.field == "commands.restart.words.1"
    assert problem.message == "'Menu' is also a word of command 'menu'"


def test_a_typed_word_may_press_only_one_button() -> None:
    text = with_flow(
        "      - id: s1\n        ask: Hỏi\n        buttons:\n"
        "          - {id: b1, label: Đồng ý, goto: end}\n"
        "          - {id: b2, label: Không, goto: end, words: [dong y]}\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("flows.extra.steps.0.buttons.1.words.0", line_of(text, "id: b2"))
    assert problem.message == "typing 'dong y' would also press the button 'b1'"


def test_a_button_word_cannot_shadow_a_command() -> None:
    text = with_flow(
        "      - id: s1\n        ask: Hỏi\n        buttons:\n"
        "          - {id: b1, label: Đồng ý, goto: end, words: [Quay lai]}\n"
    )
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.buttons.0.words.0"
    assert problem.message == "'Quay lai' is a word of the command 'back', which comes first"


def test_menu_button_must_be_a_goto_command() -> None:
    problem = only(flows_text(header=FLOWS_HEADER.replace("menu_button: menu", "menu_button: back")))
    assert problem.field == "settings.menu_button"


def test_a_message_over_the_channel_limit() -> None:
    text = with_flow(f"      - id: a\n        say: {'chữ ' * 600}\n")
    problem = only(text)
    assert problem.field == "flows.extra.steps.0.say"
    assert "longer than 2000 characters" in problem.message


def test_a_message_that_grows_over_the_limit_with_a_procedure() -> None:
    text = with_flow("      - id: a\n        say: 'Tóm tắt: {procedure.summary}'\n")
    assert problems(text) == []
    long = make_procedure(id="dai", summary="rất dài " * 300)
    problem = only(text, catalogue=make_catalogue(long))
    assert problem.field == "flows.extra.steps.0.say"
    assert problem.message.startswith("for 'dai' this text is ")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = with_flow(
        "      - id: a\n        say: '{procedure.nope}'\n        next: nowhere\n"
        "      - id: b\n        branch:\n          - when: procedure.level == 4\n            goto: end\n"
    )
    path = tmp_path / "flows.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentInvalid) as raised:
        load_flows(path)
    found = {(p.field, p.line) for p in raised.value.problems}
    assert {
        ("flows.extra.steps.0.say", line_of(text, "procedure.nope")),
        ("flows.extra.steps.0.next", line_of(text, "next: nowhere")),
        ("flows.extra.steps.1.else", line_of(text, "- id: b")),
    } <= found
    assert all(p.file == str(path) for p in raised.value.problems)
