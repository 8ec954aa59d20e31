"""One test per validation rule of flows.yaml's `topics:`: inline YAML, then the Problem's line and field."""

from __future__ import annotations

from bot.content.flows_file import check_flows_text
from bot.errors import Problem
from tests.helpers import flows_text, line_of, parse_flows

FILE = "flows.yaml"


def with_topics(topics: str) -> str:
    return flows_text() + "topics:\n" + topics


def only(text: str) -> Problem:
    found = check_flows_text(text, FILE)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_valid_topics_parse_with_their_options() -> None:
    flows = parse_flows(
        with_topics(
            "  fee:\n    target: overview.about\n    needs: procedure\n"
            "    phrasings: [lệ phí, le phi, có được … không]\n"
            "  lawsuit:\n    target: find\n    declines: true\n    phrasings: [khởi kiện]\n"
        )
    )
    assert flows.topics["fee"].needs == "procedure" and not flows.topics["fee"].declines
    assert flows.topics["lawsuit"].declines


def test_an_unknown_target_names_its_line() -> None:
    text = with_topics("  fee:\n    target: overview.fees\n    phrasings: [lệ phí]\n")
    problem = only(text)
    assert (problem.field, problem.line) == ("topics.fee.target", line_of(text, "target: overview.fees"))
    assert "overview.fees" in problem.message


def test_end_is_not_a_target() -> None:
    problem = only(with_topics("  fee:\n    target: end\n    phrasings: [lệ phí]\n"))
    assert problem.field == "topics.fee.target"


def test_empty_phrasings_are_refused() -> None:
    text = with_topics("  fee:\n    target: overview\n    phrasings: []\n")
    problem = only(text)
    assert (problem.field, problem.line) == ("topics.fee.phrasings", line_of(text, "phrasings: []"))


def test_a_phrasing_without_words_is_refused() -> None:
    text = with_topics('  fee:\n    target: overview\n    phrasings: [lệ phí, "?!"]\n')
    problem = only(text)
    assert problem.field == "topics.fee.phrasings.1"


def test_a_phrasing_given_twice_to_one_topic() -> None:
    text = with_topics("  fee:\n    target: overview\n    phrasings: [lệ phí, Lệ  phí!]\n")
    problem = only(text)
    assert problem.field == "topics.fee.phrasings.1"
    assert "already a phrasing of this topic" in problem.message


def test_a_phrasing_given_to_two_topics_names_the_first() -> None:
    text = with_topics(
        "  fee:\n    target: overview\n    phrasings: [lệ phí]\n"
        "  pay:\n    target: overview\n    phrasings:\n      - thanh toán\n      - lệ phí\n"
    )
    problem = only(text)
    assert (problem.field, problem.line) == ("topics.pay.phrasings.1", line_of(text, "- lệ phí"))
    assert "'fee'" in problem.message


def test_the_same_words_with_and_without_accents_are_two_phrasings() -> None:
    parse_flows(with_topics("  fee:\n    target: overview\n    phrasings: [lệ phí, le phi]\n"))


def test_a_flow_reached_only_by_a_topic_is_used() -> None:
    text = flows_text("  aid:\n    title: Trợ giúp\n    steps:\n      - id: about\n        say: Xin chào\n")
    assert any("never used" in p.message for p in check_flows_text(text, FILE))
    parse_flows(text + "topics:\n  aid:\n    target: aid\n    phrasings: [trợ giúp pháp lý]\n")
