"""Unverified facts: marked where they stand with a short mark, "chưa kiểm chứng" said at most once per
answer, never doubled, never inside a title, a name or a button; a fact that would read as certain is
worded as uncertain instead (flows.yaml `uncertain:`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.content.model import Content
from bot.domain.catalogue import Procedure
from bot.domain.engine.text import with_unverified_note
from bot.domain.messages import Reply
from bot.domain.templates import Facts, Wording, parse, render
from tests.helpers import Chat, make_procedure

MARK = "(*)"
WORDING = Wording(
    terms={"channels.online": {"true": "Nộp trực tuyến được.", "false": "Chưa nộp trực tuyến được."}},
    formats={"documents": parse("☐ {item.name} ({item.kind})\n   Lưu ý: {item.note}")},
    unverified_mark=MARK,
    uncertain={"channels.online": {"false": "Có thể chưa nộp trực tuyến được."}},
)


def show(source: str, **changes: object) -> str:
    return render(parse(source), Facts(procedure=make_procedure(**changes)), WORDING)


def test_an_uncertain_wording_replaces_a_certain_sentence_and_carries_no_mark() -> None:
    offline: dict[str, object] = {"channels": {"online": False, "post": False}, "level": 2}
    assert show("{procedure.channels.online}", **offline) == "Chưa nộp trực tuyến được."
    text = show("{procedure.channels.online}", unverified=["channels"], **offline)
    assert text == "Có thể chưa nộp trực tuyến được."


def test_a_fact_without_an_uncertain_wording_carries_the_mark_once() -> None:
    assert show("Phí: {procedure.fee.text}", unverified=["fee"]) == f"Phí: Miễn phí {MARK}"
    already = show("Phí: {procedure.fee.text}", unverified=["fee"], fee={"text": f"Miễn phí {MARK}"})
    assert already == f"Phí: Miễn phí {MARK}"  # never doubled


def test_a_name_never_carries_the_mark_inside_it() -> None:
    assert show("{procedure.name}", unverified=["name"]) == "Thủ tục mẫu"  # a title: no mark at all
    quoted = show("Thủ tục “{procedure.short_name}”: xong.", unverified=["short_name"])
    assert quoted == f"Thủ tục “Thủ tục mẫu”: xong. {MARK}"
    documents = [{"name": "Tờ khai", "kind": "form", "note": "Ghi rõ"}]
    listed = show("{procedure.documents}", unverified=["documents"], documents=documents)
    assert listed.splitlines() == [f"☐ Tờ khai (form) {MARK}", "   Lưu ý: Ghi rõ"]  # once per record


def test_the_note_is_said_once_after_the_last_marked_message() -> None:
    replies = [Reply(f"a {MARK}"), Reply(f"b {MARK} {MARK}"), Reply("c")]
    noted = with_unverified_note(replies, MARK, "(*) Chưa kiểm chứng")
    assert [r.text for r in noted] == [f"a {MARK}", f"b {MARK}\n(*) Chưa kiểm chứng", "c"]
    assert with_unverified_note([Reply("c")], MARK, "(*) Chưa kiểm chứng") == [Reply("c")]


# --- on the real catalogue: every procedure, every part of its guidance ---------------------------------
PRESSES = (
    [],
    ["overview.next_steps.documents"],
    ["overview.next_steps.details", "overview.details.fee"],
    ["overview.next_steps.details", "overview.details.conditions"],
    ["overview.next_steps.details", "overview.details.where"],
    ["overview.next_steps.details", "overview.details.contact"],
    ["overview.next_steps.postal"],
    ["overview.next_steps.online"],
)


def answers(content: Content, procedure: Procedure) -> Iterator[Chat]:
    for presses in PRESSES:
        chat = Chat(content.engine)
        chat.start(procedure.id)
        for button in presses:
            if button not in {b.id for r in chat.replies for b in r.buttons}:
                break
            chat.press(button)
        else:
            yield chat


def test_every_answer_says_unverified_at_most_once_and_never_in_a_name(real_content: Content) -> None:
    mark, note = real_content.flows.messages.unverified, real_content.flows.messages.unverified_note
    assert note is not None
    for procedure in real_content.catalogue.procedures():
        # a procedure's own text may say it too ("Motcua chưa kiểm chứng chi tiết..."): that is its content
        dump = procedure.model_dump_json().casefold()
        own, own_marks = dump.count("chưa kiểm chứng"), dump.count("(chưa kiểm chứng)")
        for chat in answers(real_content, procedure):
            text = chat.text.casefold()
            assert chat.text.count(note) <= 1 and text.count("(chưa kiểm chứng)") <= own_marks
            assert text.count("chưa kiểm chứng") <= 1 + own, (procedure.id, chat.text)
            assert all(line.count(mark) <= 1 for line in chat.text.splitlines()), chat.text
            assert (
                f"{procedure.short_name} {mark}" not in chat.text
                and f"{procedure.name} {mark}" not in chat.text
            )
            for document in procedure.documents:
                assert f"{document.name} {mark}" not in chat.text
            assert not [b.label for r in chat.replies for b in r.buttons if mark in b.label]


def test_an_unverified_online_status_is_never_said_as_certain(real_content: Content) -> None:
    certain = real_content.flows.terms["channels.online"]["false"]
    levels = real_content.flows.terms["level"]
    checked = 0
    for procedure in real_content.catalogue.procedures():
        said = "\n".join(chat.text for chat in answers(real_content, procedure))
        if "channels" in procedure.unverified:
            assert certain not in said, procedure.id
            checked += 1
        if "level" in procedure.unverified:
            assert levels[str(procedure.level)] not in said, procedure.id
            checked += 1
    assert checked, "no procedure with an unverified online status to check"


@pytest.mark.parametrize("field", ["level", "channels.online", "postal.return_result"])
def test_every_labelled_value_a_sentence_rests_on_has_an_uncertain_wording(
    real_content: Content, field: str
) -> None:
    assert set(real_content.flows.terms[field]) <= set(real_content.flows.uncertain[field])
