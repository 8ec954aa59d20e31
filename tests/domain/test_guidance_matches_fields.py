"""Level-3 and level-4 sentences follow each procedure's own fields (issue 10): no online payment talk for
a free procedure, no posted paper result where the result is not posted (residence procedures only update
the population database), and the postal flow does not teach how to choose postal return there."""

from __future__ import annotations

from bot.content.model import Content
from bot.domain.catalogue import Procedure
from tests.domain.test_engine_flows import text_of
from tests.helpers import Chat


def walk_online(content: Content, procedure: Procedure) -> str:
    chat = Chat(content.engine)
    chat.start(procedure.id)
    chat.press("overview.next_steps.online")
    said = [chat.text]
    while chat.where == ("online", "steps"):
        chat.press("online.steps.next")
        said.append(chat.text)
    return "\n".join(said)


def online_procedures(content: Content) -> list[Procedure]:
    return [p for p in content.catalogue.procedures() if p.channels.online and p.online_steps]


def test_payment_follows_the_fee_and_the_level(real_content: Content) -> None:
    seen = set()
    for procedure in online_procedures(real_content):
        said = walk_online(real_content, procedure)
        paid_online = text_of(real_content, "online", "pay_online", procedure)
        at_counter = text_of(real_content, "online", "pay_counter", procedure)
        if procedure.fee.free:
            expected = "free"
            assert paid_online not in said and at_counter not in said, procedure.id
        elif procedure.level == 4 or procedure.fee.online_amount is not None:
            expected = "online"
            assert paid_online in said and at_counter not in said, procedure.id
        else:
            expected = "counter"
            assert at_counter in said and paid_online not in said, procedure.id
        seen.add(expected)
    assert seen == {"free", "online", "counter"}


def test_a_paper_result_is_promised_by_post_only_where_it_is_posted(real_content: Content) -> None:
    by_post = text_of(real_content, "online", "receive_post", None).split("\n")[-1][:40]
    residence = [p for p in online_procedures(real_content) if p.postal.return_result is False]
    assert {"tam-tru", "thuong-tru"} <= {p.id for p in residence}
    for procedure in online_procedures(real_content):
        said = walk_online(real_content, procedure)
        assert (by_post in said) is (procedure.postal.return_result is True), procedure.id


def test_the_postal_flow_teaches_postal_return_only_where_results_are_posted(real_content: Content) -> None:
    how = text_of(real_content, "postal", "how")
    for procedure in real_content.catalogue.procedures():
        chat = Chat(real_content.engine)
        chat.start(procedure.id)
        chat.press("overview.next_steps.postal")
        assert (how in chat.text) is (procedure.postal.return_result is True), procedure.id
        if procedure.postal.return_result is False:
            assert procedure.result in chat.text
