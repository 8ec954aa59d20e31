"""The shape of the conversation graph in flows.yaml: where each step can lead, and what that implies.

A step leads to targets (next, goto, branch cases, buttons...) and, through `call`, into another flow
and back. From that graph come the checks only the whole file can answer: targets that name nothing,
steps nobody reaches, flows nobody uses, cycles of steps that never wait for the citizen (the engine
would spin), and calls into a flow that can never reach `end` from where it is entered (they never
come back, e.g. two flows that only call each other).
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.domain.flows.model import END, WAITING, Exit, Flows, Issue, Step, YamlPath

Place = tuple[str, str]


def exits(flows: Flows, flow: str, index: int, step: Step) -> list[Exit]:
    """Where the step at `index` of `flow` can lead (each kind lists its own exits)."""
    return list(step.targets(("flows", flow, "steps", index), flows.following(flow, step.id)))


class GraphChecker:
    def __init__(self, flows: Flows) -> None:
        self.flows = flows
        self.exits = {
            (flow_id, step.id): exits(flows, flow_id, i, step)
            for flow_id, flow in flows.flows.items()
            for i, step in enumerate(flow.steps)
        }

    def place(self, flow: str, target: str) -> Place | None:
        try:
            return self.flows.resolve(flow, target)
        except KeyError:
            return None

    def targets(self) -> Iterator[Issue]:
        for (flow, _), found in self.exits.items():
            for exit_ in found:
                if exit_.target != END and self.place(flow, exit_.target) is None:
                    yield self.unknown(flow, exit_.target).at(exit_.path)
                if exit_.callee is None:
                    continue
                if exit_.callee == END:
                    yield Issue.of(exit_.callee_path, "call_end", "call: needs a flow to run, not end")
                elif self.place(flow, exit_.callee) is None:
                    yield self.unknown(flow, exit_.callee).at(exit_.callee_path)
        for (flow, step_id), _ in self.exits.items():
            step = self.flows.step(flow, step_id)
            index = next(i for i, s in enumerate(self.flows.flows[flow].steps) if s.id == step_id)
            for j, button in enumerate(step.choices() if step else ()):
                if button.command is not None and button.command not in self.flows.commands:
                    path: YamlPath = ("flows", flow, "steps", index, "buttons", j, "command")
                    yield Issue.of(
                        path,
                        "no_such_command",
                        "no command named '{command}' ({commands})",
                        command=button.command,
                        commands=", ".join(self.flows.commands),
                    )
        settings = self.flows.settings
        named: list[tuple[YamlPath, str]] = [
            (("settings", k), getattr(settings, k)) for k in ("start", "home", "question", "procedure")
        ]
        for name, command in self.flows.commands.items():
            named += [
                (("commands", name, k), getattr(command, k)) for k in ("goto", "call") if getattr(command, k)
            ]
        for path, target in named:
            if target == END or self.place(target, target) is None:
                yield Issue.of(
                    path,
                    "no_such_flow",
                    "no flow named '{flow}' (flows: {flows})",
                    flow=target,
                    flows=", ".join(self.flows.flows),
                )

    def unknown(self, flow: str, target: str) -> Issue:
        """Why `target` names nothing, seen from `flow` (without a place: the caller knows it)."""
        other, _, step = target.partition(".")
        if step and other not in self.flows.flows:
            return Issue.of(
                (),
                "no_such_flow",
                "no flow named '{flow}' (flows: {flows})",
                flow=other,
                flows=", ".join(self.flows.flows),
            )
        shown = other if step else flow
        steps = ", ".join(s.id for s in self.flows.flows[shown].steps)
        if step:
            return Issue.of(
                (),
                "no_such_step_in_flow",
                "the flow '{flow}' has no step '{step}' (its steps: {steps})",
                flow=other,
                step=step,
                steps=steps,
            )
        return Issue.of(
            (),
            "no_such_target",
            "no step or flow named '{target}' (steps of {flow}: {steps})",
            target=target,
            flow=flow,
            steps=steps,
        )

    def entries(self) -> set[Place]:
        """Places entered from outside their flow: flow starts and flow.step targets."""
        found: set[Place] = set()
        settings = self.flows.settings
        outside = [settings.start, settings.home, settings.question, settings.procedure]
        outside += [t for c in self.flows.commands.values() for t in (c.goto, c.call) if t is not None]
        outside += [topic.target for topic in self.flows.topics.values()]
        for target in outside:
            place = self.place(target, target)
            if place:
                found.add(place)
        for (flow, _), found_exits in self.exits.items():
            for exit_ in found_exits:
                for name in (exit_.target, exit_.callee):
                    place = self.place(flow, name) if name and name != END else None
                    if place and place[0] != flow:
                        found.add(place)
        return found

    def reachability(self) -> Iterator[Issue]:
        entries = self.entries()
        used_flows = {flow for flow, _ in entries}
        for flow_id, flow in self.flows.flows.items():
            if flow_id not in used_flows:
                yield Issue.of(
                    ("flows", flow_id),
                    "flow_never_used",
                    "the flow '{flow}' is never used (no goto, call or setting)",
                    flow=flow_id,
                )
                continue
            seen: set[Place] = set()
            todo = [p for p in entries if p[0] == flow_id]
            while todo:
                place = todo.pop()
                if place in seen:
                    continue
                seen.add(place)
                for exit_ in self.exits[place]:
                    target = self.place(flow_id, exit_.target) if exit_.target != END else None
                    if target and target[0] == flow_id:
                        todo.append(target)
            for i, step in enumerate(flow.steps):
                if (flow_id, step.id) not in seen:
                    yield Issue.of(
                        ("flows", flow_id, "steps", i, "id"),
                        "step_never_reached",
                        "the step '{step}' can never be reached",
                        step=step.id,
                    )

    def loops(self) -> Iterator[Issue]:
        """Cycles of steps that never wait: the engine would go round them forever."""
        edges: dict[Place, list[Place]] = {}
        for (flow, step_id), found in self.exits.items():
            step = self.flows.step(flow, step_id)
            if isinstance(step, WAITING):
                continue
            nexts = [self.place(flow, e.callee or e.target) for e in found if (e.callee or e.target) != END]
            edges[(flow, step_id)] = [n for n in nexts if n is not None]
        reported: set[frozenset[Place]] = set()
        for start in edges:
            cycle = _cycle_through(start, edges)
            if cycle and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                flow, step_id = start
                index = next(i for i, s in enumerate(self.flows.flows[flow].steps) if s.id == step_id)
                shown = " -> ".join(f"{f}.{s}" for f, s in [*cycle, cycle[0]])
                yield Issue.of(
                    ("flows", flow, "steps", index),
                    "steps_loop",
                    "these steps go round without waiting: {steps}",
                    steps=shown,
                )

    def returns(self) -> Iterator[Issue]:
        """Calls into a flow that can never reach `end` from where it is entered: they never come back."""
        ending: set[Place] = set()
        changed = True
        while changed:
            changed = False
            for place, found in self.exits.items():
                if place not in ending and any(self.ends(place[0], e, ending) for e in found):
                    ending.add(place)
                    changed = True
        for (flow, _), found in self.exits.items():
            for exit_ in found:
                callee = self.place(flow, exit_.callee) if exit_.callee and exit_.callee != END else None
                if callee is not None and callee not in ending:
                    flow_id, step_id = callee
                    yield Issue.of(
                        exit_.callee_path,
                        "call_never_returns",
                        "the flow '{flow}' never reaches end from '{step}', so this call never returns",
                        flow=flow_id,
                        step=step_id,
                    )

    def ends(self, flow: str, exit_: Exit, ending: set[Place]) -> bool:
        if exit_.callee is not None:
            callee = self.place(flow, exit_.callee) if exit_.callee != END else None
            if callee is None or callee not in ending:
                return False
        if exit_.target == END:
            return True
        target = self.place(flow, exit_.target)
        return target is not None and target[0] == flow and target in ending


def _cycle_through(start: Place, edges: dict[Place, list[Place]]) -> list[Place] | None:
    """A cycle of non-waiting steps that starts and ends at `start`, if there is one."""
    path: list[Place] = [start]
    stack: list[Iterator[Place]] = [iter(edges.get(start, []))]
    seen = {start}
    while stack:
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            path.pop()
        elif nxt == start:
            return list(path)
        elif nxt in edges and nxt not in seen:
            seen.add(nxt)
            path.append(nxt)
            stack.append(iter(edges[nxt]))
    return None
