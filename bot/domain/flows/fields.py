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
from types import MappingProxyType

from pydantic import BaseModel

from bot.domain import conditions, templates
from bot.domain.catalogue import Catalogue, Procedure, procedure_field_paths
from bot.domain.flows.model import BranchStep, Flows, Issue, YamlPath
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

    def lookup(self, parts: tuple[str, ...], site: Site, condition: bool) -> FieldType | Issue:
        """The type of a fact, or why it cannot be read here (an issue without a place: the caller's)."""
        head, rest = parts[0], parts[1:]
        if head == "procedure":
            if not rest:
                if condition:
                    return FieldType("record", True)
                return Issue.of((), "fact_needs_field", "write a field, e.g. {{procedure.name}}")
            dotted = ".".join(rest)
            found = describe(Procedure, rest) if dotted in self.procedure_paths else None
            return found or _no_field(dotted, self.procedure_paths, ())
        if head == "item":
            model = record_model(site.item) if site.item else None
            if model is None:
                return Issue.of(
                    (), "item_outside_walk", "item. can only be used in a walk step or a formats: template"
                )
            found = describe(model, rest)
            return found or Issue.of(
                (),
                "no_such_item_field",
                "a {item} item has no field '{field}'",
                item=str(site.item),
                field=".".join(rest),
            )
        if head == "answers" and site.flow is not None and len(rest) == 1:
            saved = saved_answers(self.flows, site.flow)
            if rest[0] in saved:
                return FieldType("text", nullable=True)
            return Issue.of(
                (),
                "no_such_answer",
                "no step of flow '{flow}' saves an answer '{answer}' (saved: {saved})",
                flow=site.flow,
                answer=rest[0],
                saved=_names(saved),
            )
        if head == "list":
            if site.item is None:
                return Issue.of(
                    (), "list_outside_walk", "list. can only be used in a walk step or a formats: template"
                )
            if rest in (("number",), ("total",)):
                return FieldType("number")
            return Issue.of((), "list_field", "write list.number or list.total")
        if head == "search" and len(rest) == 1 and rest[0] in SEARCH_FIELDS:
            return SEARCH_FIELDS[rest[0]]
        if head == "flow" and rest == ("called",) and condition:
            return FieldType("bool", choices=("true", "false"))
        return Issue.of(
            (),
            "unknown_fact",
            "unknown fact '{fact}' (facts start with procedure., answers., search., item., list.)",
            fact=".".join(parts),
        )

    def template(self, site: Site) -> Iterator[Issue]:
        try:
            template = templates.parse(site.source)
        except templates.TemplateError as err:
            yield Issue(site.path, str(err), 0, err.code, MappingProxyType(err.params))
            return
        for index, parts in template.placeholders():
            # a text over several lines is a YAML block (`|-`): its lines start below the key
            below = index + 1 if "\n" in site.source else 0
            found = self.lookup(parts, site, condition=False)
            if isinstance(found, Issue):
                yield found.at(site.path, below)
                continue
            if parts[0] not in ("procedure", "item"):
                continue
            key = ".".join(parts[1:]) if parts[0] == "procedure" else f"{site.item}.{'.'.join(parts[1:])}"
            if found.labelled:
                missing = [c for c in found.choices if c not in self.flows.terms.get(key, {})]
                if missing:
                    yield Issue.of(
                        site.path,
                        "terms_no_label",
                        "terms: has no label for {key} = {values}",
                        lines_below=below,
                        key=key,
                        values=", ".join(missing),
                    )
            if found.kind in ("record", "records") and key not in self.flows.formats:
                yield Issue.of(
                    site.path,
                    "formats_no_template",
                    "formats: has no template for {key}, so it cannot be shown",
                    lines_below=below,
                    key=key,
                )
        if site.message and len(template.static_text) > MESSAGE_LIMIT:
            yield Issue.of(
                site.path,
                "text_too_long",
                "the text is longer than {n} characters (Zalo's limit)",
                n=MESSAGE_LIMIT,
            )

    def condition(self, site: Site) -> Iterator[Issue]:
        try:
            expr = conditions.parse(site.source)
        except conditions.ConditionError as err:
            yield Issue.of(
                site.path, "condition_unreadable", "cannot read the condition: {why}", why=str(err)
            )
            return
        for test in conditions.walk(expr):
            found = self.lookup(test.path.parts, site, condition=True)
            if isinstance(found, Issue):
                yield found.at(site.path)
            elif isinstance(test, conditions.Compare):
                problem = _comparison(str(test.path), found, test.op, test.value)
                if problem:
                    yield problem.at(site.path)

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
                    yield Issue.of(
                        (*at, "branch", j, "when"),
                        "unknown_not_handled",
                        "{fact} can be unknown (left empty in the catalogue): add unknown: to this "
                        "branch, or a case 'when: {fact} is unknown'",
                        fact=str(test.path),
                    )
                    guarded.add(test.path)

    def terms(self) -> Iterator[Issue]:
        paths = term_paths()
        for section, table in (("terms", self.flows.terms), ("uncertain", self.flows.uncertain)):
            for key, labels in table.items():
                kind = paths.get(key)
                if kind is None:
                    yield _no_field(key, paths, (section, key))
                elif kind.choices:
                    for value in labels:
                        if value not in kind.choices:
                            yield Issue.of(
                                (section, key, value),
                                "term_value_never",
                                "{key} is never '{value}' ({values})",
                                key=key,
                                value=value,
                                values=", ".join(kind.choices),
                            )

    def formats(self) -> Iterator[Issue]:
        for key in self.flows.formats:
            if record_model(key) is None:
                yield Issue.of(
                    ("formats", key),
                    "format_not_record",
                    "'{key}' is not a record or list of records of a procedure",
                    key=key,
                )


def _comparison(name: str, kind: FieldType, op: str, value: conditions.Value) -> Issue | None:
    """Why a condition cannot compare the fact `name` with `value` (an issue without a place), if so."""
    if op in conditions.ORDERING:
        if kind.kind == "number" and type(value) is int:
            return None
        return Issue.of((), "compare_order", "{name} cannot be compared with {op}", name=name, op=op)
    if kind.kind == "bool":
        if isinstance(value, bool):
            return None
        return Issue.of((), "compare_bool", "{name} is true or false; compare with true or false", name=name)
    if kind.kind == "choice":
        numeric = all(c.lstrip("-").isdigit() for c in kind.choices)
        written = str(value).lower() if isinstance(value, bool) else str(value)
        if written not in kind.choices or isinstance(value, bool) or numeric != isinstance(value, int):
            shown = ", ".join(kind.choices if numeric else (f'"{c}"' for c in kind.choices))
            return Issue.of(
                (),
                "compare_choice",
                "{name} is one of {choices}; it is never {value}",
                name=name,
                choices=shown,
                value=repr(value),
            )
        return None
    if kind.kind == "number":
        if type(value) is int:
            return None
        return Issue.of((), "compare_number", "{name} is a number; compare it with a number", name=name)
    if isinstance(value, str):
        return None
    return Issue.of((), "compare_text", "{name} is text; compare it with text in quotes", name=name)


def _no_field(name: str, known: object, path: YamlPath) -> Issue:
    """No procedure has the field `name`; with the closest of the `known` ones when one is close."""
    close = difflib.get_close_matches(name, list(known), n=1)  # type: ignore[call-overload]
    if close:
        return Issue.of(
            path,
            "no_such_field_hint",
            "no procedure has the field '{field}' (did you mean '{hint}'?)",
            field=name,
            hint=close[0],
        )
    return Issue.of(path, "no_such_field", "no procedure has the field '{field}'", field=name)


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
                    yield Issue.of(
                        site.path,
                        "rendered_too_long",
                        "for '{id}' this text is {n} characters (limit {limit})",
                        id=procedure.id,
                        n=length,
                        limit=MESSAGE_LIMIT,
                    )
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
