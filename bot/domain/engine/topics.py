"""Where a typed question about a topic (flows.yaml `topics:`) leads, with the procedure it names.

The search has already split the question (bot.domain.search): the topic it says, and what the rest
says of procedures. Then:
- a procedure named clearly: the topic's guidance for that procedure ("lý lịch tư pháp qua bưu điện");
- several procedures close: the citizen picks one, then the guidance; but a general topic whose other
  words only loosely resemble some procedures ("quên mật khẩu dịch vụ công": the portal's name) is
  answered as it is;
- no procedure named: the guidance for the procedure the conversation is about, if any ("bao nhiêu
  tiền" asked after opening khai sinh); a topic that needs one asks which, then comes back to it;
- the rest of the question names something the catalogue does not hold, for a topic that needs a
  procedure ("trường học có được … không"): nothing relevant, as for any question we cannot place;
- a topic that `declines`: its target, whatever else was said (the search offers no procedure then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.flows.model import PickStep, SearchStep
from bot.domain.search.procedures import NONE_BELOW, SearchResult
from bot.domain.state import ConversationState, Frame

if TYPE_CHECKING:
    from bot.domain.engine.run import Runner, TurnLog

TOPIC_DECISION = "topic"  # what the event log records for a question answered by a topic


def route_topic(
    runner: Runner,
    state: ConversationState,
    result: SearchResult,
    found: list[str],
    step: SearchStep,
    log: TurnLog,
) -> str | None:
    """The target to move to, or None when the state already points where the turn goes on."""
    assert result.topic is not None
    topic = runner.flows.topics[result.topic.id]
    decision = result.decision if found else "none"
    if not log.replay:
        log.search_decision = TOPIC_DECISION
        log.search_top = found[0] if decision == "match" else None
    needs = topic.needs == "procedure"
    state.matches = found if decision != "none" and not topic.declines else []
    state.decision = decision
    if topic.declines:
        return topic.target
    if decision == "match":
        state.procedure = found[0]
    elif decision == "choose" and (needs or _names_one(result)):
        state.procedure = None
        _ask_then(runner, state, topic.target, _pick_step(runner))
        return None
    elif decision == "none" and result.rest and needs:
        state.procedure = None
        return step.none  # "có được … không" about something the catalogue does not hold
    if not needs or state.procedure is not None:
        return topic.target
    _ask_then(runner, state, topic.target, runner.flows.settings.question.split(".")[0])
    return None


def _names_one(result: SearchResult) -> bool:
    """Whether the rest of the question resembles a procedure well enough to ask which one it means."""
    return bool(result.matches) and result.matches[0].score >= NONE_BELOW


def _ask_then(runner: Runner, state: ConversationState, target: str, ask: str) -> None:
    """Run `ask` (find a procedure), then go on at `target`."""
    place = runner.flows.resolve(target, target)
    assert place is not None, "validation refuses `end` as a topic's target"
    state.stack[:] = [Frame(*place)]
    runner.call(state, ask, place[1])


def _pick_step(runner: Runner) -> str:
    flow = runner.flows.settings.question.split(".")[0]
    pick = next((s.id for s in runner.flows.flows[flow].steps if isinstance(s, PickStep)), None)
    return f"{flow}.{pick}" if pick else flow
