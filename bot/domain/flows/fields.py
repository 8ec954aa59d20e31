"""Checks of what flows.yaml reads and says: template placeholders, conditions, terms, formats, lengths.

Every placeholder and condition names a fact by namespace:

    procedure.<field path>   the chosen procedure (see flows/schema.py; the fields of catalogue.py)
    item.<field>             inside a walk step or a formats: template: the current record
    list.number / list.total where that record stands in its list (1-based) and how many there are
    answers.<name>           an answer saved by a step of the same flow (`save:`); the question flow
                             also has answers.query, the citizen's typed question
    search.decision / search.count   the last search
    flow.called              (conditions only) whether this flow was called by another one
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pydantic import BaseModel

from bot.domain import conditions, templates
from bot.domain.catalogue import Catalogue, Procedure, procedure_field_paths
from bot.domain.flows.model import BranchStep, Flows, Issue
from bot.domain.flows.schema import FieldType, describe, record_model, term_paths
from bot.domain.flows.sites import Site, all_steps, saved_answers, template_sites
from bot.domain.messages import MESSAGE_LIMIT

SEARCH_FIELDS = {
    "decision": FieldType("choice", True, ("match", "choose", "none")),
    "count": FieldType("number"),
}


class FieldChecker:
    def __init__(self, flows: Flows) -> None:
        self.flows = flows
        self.procedure_paths = procedure_field_paths()

    def lookup(self, parts: tuple[str, ...], site: Site, condition: bool) -> FieldType | str:
        """The type of a fact, or a message saying why it cannot be read here."""
        head, rest = parts[0], parts[1:]
        if head == "procedure":
            if not rest:
                return FieldType("record", True) if condition else "write a field, e.g. {procedure.name}"
            dotted = ".".join(rest)
            found = describe(Procedure, rest) if dotted in self.procedure_paths else None
            return found or f"no procedure has the field '{dotted}'{_hint(dotted, self.procedure_paths)}"
        if head == "item":
            model = record_model(site.item) if site.item else None
            if model is None:
                return "item. can only be used in a walk step or a formats: template"
            found = describe(model, rest)
            return found or f"a {site.item} item has no field '{'.'.join(rest)}'"
        if head == "answers" and site.flow is not None and len(rest) == 1:
            saved = saved_answers(self.flows, site.flow)
            if rest[0] in saved:
                return FieldType("text", nullable=True)
            return f"no step of flow '{site.flow}' saves an answer '{rest[0]}' (saved: {_names(saved)})"
        if head == "list":
            if site.item is None:
                return "list. can only be used in a walk step or a formats: template"
            if rest in (("number",), ("total",)):
                return FieldType("number")
            return "write list.number or list.total"
        if head == "search" and len(rest) == 1 and rest[0] in SEARCH_FIELDS:
            return SEARCH_FIELDS[rest[0]]
        if head == "flow" and rest == ("called",) and condition:
            return FieldType("bool", choices=("true", "false"))
        return (
            f"unknown fact '{'.'.join(parts)}' (facts start with procedure., answers., search., item., list.)"
        )

    def template(self, site: Site) -> Iterator[Issue]:
        try:
            template = templates.parse(site.source)
        except templates.TemplateError as err:
            yield Issue(site.path, str(err))
            return
        for index, parts in template.placeholders():
            # a text over several lines is a YAML block (`|-`): its lines start below the key
            below = index + 1 if "\n" in site.source else 0
            found = self.lookup(parts, site, condition=False)
            if isinstance(found, str):
                yield Issue(site.path, found, below)
                continue
            if parts[0] not in ("procedure", "item"):
                continue
            key = ".".join(parts[1:]) if parts[0] == "procedure" else f"{site.item}.{'.'.join(parts[1:])}"
            if found.labelled:
                missing = [c for c in found.choices if c not in self.flows.terms.get(key, {})]
                if missing:
                    yield Issue(site.path, f"terms: has no label for {key} = {', '.join(missing)}", below)
            if found.kind in ("record", "records") and key not in self.flows.formats:
                yield Issue(site.path, f"formats: has no template for {key}, so it cannot be shown", below)
        if site.message and len(template.static_text) > MESSAGE_LIMIT:
            yield Issue(site.path, f"the text is longer than {MESSAGE_LIMIT} characters (Zalo's limit)")

    def condition(self, site: Site) -> Iterator[Issue]:
        try:
            expr = conditions.parse(site.source)
        except conditions.ConditionError as err:
            yield Issue(site.path, f"cannot read the condition: {err}")
            return
        for test in conditions.walk(expr):
            found = self.lookup(test.path.parts, site, condition=True)
            if isinstance(found, str):
                yield Issue(site.path, found)
            elif isinstance(test, conditions.Compare):
                problem = _comparison(str(test.path), found, test.op, test.value)
                if problem:
                    yield Issue(site.path, problem)

    def unknown_cases(self) -> Iterator[Issue]:
        """A branch reading a fact the catalogue may leave empty must say what happens then."""
        for _, at, step in all_steps(self.flows):
            if not isinstance(step, BranchStep) or step.unknown is not None:
                continue
            tests = []
            for j, case in enumerate(step.branch):
                try:
                    tests += [(j, t) for t in conditions.walk(conditions.parse(case.when))]
                except conditions.ConditionError:
                    continue  # reported with the condition itself
            guarded = {t.path for _, t in tests if isinstance(t, conditions.Known)}
            for j, test in tests:
                parts = test.path.parts
                if parts[0] != "procedure" or len(parts) < 2 or test.path in guarded:
                    continue
                kind = describe(Procedure, parts[1:])
                if kind is not None and kind.nullable:
                    yield Issue(
                        (*at, "branch", j, "when"),
                        f"{test.path} can be unknown (left empty in the catalogue): add unknown: to this "
                        f"branch, or a case 'when: {test.path} is unknown'",
                    )
                    guarded.add(test.path)

    def terms(self) -> Iterator[Issue]:
        paths = term_paths()
        for section, table in (("terms", self.flows.terms), ("uncertain", self.flows.uncertain)):
            for key, labels in table.items():
                kind = paths.get(key)
                if kind is None:
                    yield Issue((section, key), f"no procedure has the field '{key}'{_hint(key, paths)}")
                elif kind.choices:
                    for value in labels:
                        if value not in kind.choices:
                            yield Issue(
                                (section, key, value),
                                f"{key} is never '{value}' ({', '.join(kind.choices)})",
                            )

    def formats(self) -> Iterator[Issue]:
        for key in self.flows.formats:
            if record_model(key) is None:
                yield Issue(("formats", key), f"'{key}' is not a record or list of records of a procedure")


def _comparison(name: str, kind: FieldType, op: str, value: conditions.Value) -> str | None:
    if op in conditions.ORDERING:
        return (
            None if kind.kind == "number" and type(value) is int else f"{name} cannot be compared with {op}"
        )
    if kind.kind == "bool":
        return None if isinstance(value, bool) else f"{name} is true or false; compare with true or false"
    if kind.kind == "choice":
        numeric = all(c.lstrip("-").isdigit() for c in kind.choices)
        written = str(value).lower() if isinstance(value, bool) else str(value)
        if written not in kind.choices or isinstance(value, bool) or numeric != isinstance(value, int):
            shown = ", ".join(kind.choices if numeric else (f'"{c}"' for c in kind.choices))
            return f"{name} is one of {shown}; it is never {value!r}"
        return None
    if kind.kind == "number":
        return None if type(value) is int else f"{name} is a number; compare it with a number"
    return None if isinstance(value, str) else f"{name} is text; compare it with text in quotes"


def _hint(name: str, known: object) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)  # type: ignore[call-overload]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def rendered_lengths(flows: Flows, catalogue: Catalogue) -> Iterator[Issue]:
    """Messages that grow past the channel limit once a procedure's facts are filled in."""
    formats: dict[str, templates.Template] = {}
    for key, source in flows.formats.items():
        try:
            formats[key] = templates.parse(source)
        except templates.TemplateError:
            continue
    wording = templates.Wording(flows.terms, formats, flows.messages.unverified, flows.uncertain)
    for site in template_sites(flows):
        if not site.message:
            continue
        try:
            template = templates.parse(site.source)
        except templates.TemplateError:
            continue
        for procedure in catalogue.procedures():
            for facts in _each_item(templates.Facts(procedure=procedure), site.item):
                length = len(templates.render(template, facts, wording))
                if length > MESSAGE_LIMIT:
                    message = f"for '{procedure.id}' this text is {length} characters (limit {MESSAGE_LIMIT})"
                    yield Issue(site.path, message)
                    break


def _each_item(facts: templates.Facts, key: str | None) -> Iterator[templates.Facts]:
    """The facts once, or once per record of the list `item.` walks through."""
    if key is None:
        yield facts
        return
    found = facts.lookup(("procedure", *key.split(".")))
    records = [r for r in found if isinstance(r, BaseModel)] if isinstance(found, list) else []
    for number, record in enumerate(records, start=1):
        yield facts.with_item(templates.Item(key, record, number, len(records)))
