"""Engine throughput and the cost of keeping conversations.

Drives `bot.domain.engine.Engine` in-process with scripted conversations (greeting, a search, picking a
procedure, its overview, the online steps, "stuck", back, menu, sometimes a second search), then stores
every final state the way the service does (`ConversationState.to_json()`) and measures: the JSON size,
what a MemoryStore holds (tracemalloc), and the SQLite file for all of them.

Words the citizen types for commands (menu, back, hello) come from flows.yaml, and questions from the
tuning set, so the script follows the content rather than repeating it.

    python -m bench.engine_turns [--conversations 10000] [--results FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    LEXICON_FILE,
    PROCEDURES_DIR,
    RESULTS_FILE,
    ROOT,
    TUNING_QUERIES,
    Section,
    Table,
    columns,
    command_line,
    percentile,
    profile_table,
    progress,
    publish,
    read_queries,
)
from bot.content.model import Content, load_content
from bot.domain.messages import Incoming
from bot.domain.state import ConversationState
from bot.storage.base import ConversationKey
from bot.storage.memory import MemoryStore
from bot.storage.sql.store import SqlStore

# The engine, what it renders and searches with, and the state it stores
ENGINE_CODE = (
    "bot/domain/engine/core.py",
    "bot/domain/engine/run.py",
    "bot/domain/search/procedures.py",
    "bot/domain/state.py",
    "flows.yaml",
)


@dataclass(frozen=True)
class Move:
    kind: str  # what the turn exercises, for the per-kind latency table
    incoming: Incoming | None = None  # a fixed message; None: press an offered button chosen by `wanted`
    wanted: tuple[
        str, ...
    ] = ()  # button id prefixes ("p:") or suffixes (".next"); the move is skipped if none


def press(move: Move, offered: Sequence[str]) -> Incoming | None:
    if move.incoming is not None:
        return move.incoming
    for want in move.wanted:
        for button in offered:
            if button == want or button.endswith(want) or (want.endswith(":") and button.startswith(want)):
                return Incoming.pressed(button)
    return None


def script(content: Content, questions: Sequence[str], rng: random.Random) -> list[Move]:
    """One citizen's conversation; commands typed in words from flows.yaml or pressed as buttons."""

    def say(name: str) -> Incoming:
        return Incoming.typed(rng.choice(content.flows.commands[name].words))

    moves = [Move("start", Incoming.started(""))]
    if rng.random() < 0.5:
        moves.append(Move("greeting", say("hello")))
    moves += [Move("search", Incoming.typed(rng.choice(questions))), Move("pick", wanted=("p:",))]
    moves.append(Move("online", wanted=(".online",)))
    moves += [Move("step", wanted=(".next",)) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        moves.append(Move("stuck", wanted=(".stuck",)))
    moves.append(Move("back", say("back")) if rng.random() < 0.5 else Move("back", wanted=("back",)))
    if rng.random() < 0.3:
        moves += [Move("search", Incoming.typed(rng.choice(questions))), Move("pick", wanted=("p:",))]
    moves.append(Move("menu", say("menu")) if rng.random() < 0.5 else Move("menu", wanted=("menu",)))
    return moves


@dataclass
class Drive:
    states: list[ConversationState] = field(default_factory=list)  # each conversation's final state
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # wall ms per turn
    cpu_ms: float = 0.0  # this thread's CPU time in engine.handle, all turns
    silent_turns: int = 0  # turns that produced no reply (should stay 0)


def drive(content: Content, conversations: int, questions: Sequence[str], seed: int) -> Drive:
    rng = random.Random(seed)
    out = Drive()
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    for n in range(conversations):
        state: ConversationState | None = None
        for move in script(content, questions, rng):
            incoming = press(move, state.offered if state is not None else [])
            if incoming is None:
                continue
            start, start_cpu = clock(), cpu()
            turn = content.engine.handle(state, incoming)
            out.cpu_ms += (cpu() - start_cpu) / 1e6
            out.by_kind.setdefault(move.kind, []).append((clock() - start) / 1e6)
            out.silent_turns += not turn.replies
            state = turn.state
        if state is not None:
            out.states.append(state)
        if (n + 1) % 1000 == 0:
            progress(f"  {n + 1}/{conversations} conversations")
    return out


def state_bytes(state: ConversationState) -> int:
    return len(json.dumps(state.to_json(), ensure_ascii=False).encode())


async def memory_store_bytes(states: Sequence[dict[str, Any]]) -> int:
    """What a MemoryStore keeps for these conversations, measured with tracemalloc."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        store = MemoryStore()
        for n, state in enumerate(states):
            async with store.conversation(ConversationKey("bench", f"user-{n}")) as tx:
                await tx.save(state)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    await store.close()
    return held


async def sqlite_bytes(states: Sequence[dict[str, Any]], folder: Path) -> tuple[int, float]:
    """The SQLite file (with its WAL) after saving these conversations, and the saves per second."""
    path = folder / "bench.db"
    store = await SqlStore.open(f"sqlite:///{path}", migrate=True)
    start = time.perf_counter()
    for n, state in enumerate(states):
        async with store.conversation(ConversationKey("bench", f"user-{n}")) as tx:
            await tx.save(state)
    rate = len(states) / (time.perf_counter() - start)
    await store.close()
    size = sum(p.stat().st_size for p in folder.glob("bench.db*"))
    return size, rate


def run(
    content: Content,
    questions: Sequence[str],
    conversations: int,
    seed: int,
    command: str,
    profile: bool = False,
) -> Section:
    title = f"Engine turns and stored conversations: {conversations} conversations"
    section = Section(title, command, code=ENGINE_CODE)
    progress(f"driving {conversations} conversations")
    started = time.perf_counter()
    result = drive(content, conversations, questions, seed)
    wall = time.perf_counter() - started
    every = [ms for times in result.by_kind.values() for ms in times]
    summary = Table(
        "Throughput (engine.handle in-process, one thread)",
        columns(
            "conversations:d | turns:d | turns/s (engine wall time):.0f | turns/s (engine CPU time):.0f | "
            "turns/s (with script):.0f | p50 ms:.3f | p99 ms:.3f | turns without reply:d"
        ),
    )
    turns = len(every)
    summary.add(
        conversations,
        turns,
        turns / (sum(every) / 1000),
        turns / max(result.cpu_ms / 1000, 1e-9),
        turns / wall,
        percentile(every, 50),
        percentile(every, 99),
        result.silent_turns,
    )
    kinds = Table(
        "Latency by kind of turn",
        columns("turn | count:d | p50 ms:.3f | p99 ms:.3f | max ms:.2f"),
    )
    for kind, times in result.by_kind.items():
        kinds.add(kind, len(times), percentile(times, 50), percentile(times, 99), max(times))

    progress("measuring stored conversations")
    sizes = [state_bytes(s) for s in result.states]
    as_json = [s.to_json() for s in result.states]
    per_10k = 10_000 / max(1, len(sizes))
    held = asyncio.run(memory_store_bytes(as_json))
    with tempfile.TemporaryDirectory() as folder:
        on_disk, saves = asyncio.run(sqlite_bytes(as_json, Path(folder)))
    storage = Table(
        "Stored conversations (final state of each)",
        columns("measure | per conversation:.0f | per 10,000 conversations:.1f | unit"),
    )
    storage.add(
        "state JSON, mean", sum(sizes) / max(1, len(sizes)), sum(sizes) * per_10k / 2**20, "bytes / MiB"
    )
    storage.add(
        "state JSON, p99", percentile(sizes, 99), percentile(sizes, 99) * 10_000 / 2**20, "bytes / MiB"
    )
    storage.add(
        "state JSON, max", max(sizes, default=0), max(sizes, default=0) * 10_000 / 2**20, "bytes / MiB"
    )
    storage.add("MemoryStore (tracemalloc)", held / max(1, len(sizes)), held * per_10k / 2**20, "bytes / MiB")
    storage.add(
        "SQLite file incl. WAL", on_disk / max(1, len(sizes)), on_disk * per_10k / 2**20, "bytes / MiB"
    )
    section.tables += [summary, kinds, storage]
    if profile:
        progress("profiling the engine")
        title = "Profile of engine.handle over scripted conversations (pyinstrument, by inclusive time)"
        again = min(conversations, 1000)
        section.tables.append(
            profile_table(
                title, lambda n: drive(content, n, questions, seed + 1), [again], 1, 20, by_self=False
            )
        )
    section.notes.append(
        f"SQLite saved {saves:.0f} conversations/s (one locked transaction each, BEGIN IMMEDIATE + commit); "
        "the file holds only the conversations table's rows here (no inbox, outbox or events)."
    )
    return section


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine_turns", description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--questions", type=Path, default=TUNING_QUERIES, help="questions the citizens type")
    parser.add_argument("--procedures", type=Path, default=PROCEDURES_DIR)
    parser.add_argument("--flows", type=Path, default=ROOT / "flows.yaml")
    parser.add_argument("--lexicon", type=Path, default=LEXICON_FILE)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="add a pyinstrument profile of the engine")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to append to")
    args = parser.parse_args(argv)
    content = load_content(args.procedures, args.flows, args.lexicon)
    questions = [q.query for q in read_queries(args.questions)]
    argv_text = list(argv) if argv is not None else sys.argv[1:]
    command = command_line("bench.engine_turns", argv_text)
    section = run(content, questions, args.conversations, args.seed, command, args.profile)
    publish(section, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
