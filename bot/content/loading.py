"""YAML files -> validated models. Every problem names file, line and field, and all are reported at once.

Two passes, as in Rasa's flow loader: first the shape of each file (pydantic, `extra="forbid"`), then the
cross-references between files (related procedures, flow targets, template fields), so an official
fixing content sees the whole list of what is wrong in one go.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.yamlsource import YamlDocument, YamlError, parse_yaml
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.flows import YamlPath
from bot.errors import UNREADABLE, ContentInvalid, Problem

M = TypeVar("M", bound=BaseModel)

_PLAIN = {
    "missing": "this field is required but missing",
    "extra_forbidden": "unknown field (check the spelling; see the list of fields in README)",
    "string_too_short": "must not be empty",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a group of fields",
    "model_type": "must be a group of fields",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
    "literal_error": "must be one of the allowed values",
    "enum": "must be one of the allowed values",
    "too_short": "must not be empty",
}


# Said by both catalogue checks (here and bot/content/content_set.py).
ID_USED_TWICE = "the id '{id}' is used by another file"
NO_PROCEDURES = "no procedure files (*.yaml) were found"


def dotted(loc: YamlPath) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def problems_from_validation(err: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems = []
    for item in err.errors():
        loc = tuple(
            part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-"))
        )
        kind = item["type"]
        # The code is pydantic's type: its own (`missing`, `greater_than_equal`...) or the one a
        # validator gives with PydanticCustomError; ctx holds the values the message names.
        params = {
            k: v if isinstance(v, int) and not isinstance(v, bool) else str(v)
            for k, v in item.get("ctx", {}).items()
        }
        message = _PLAIN.get(kind, item["msg"])
        if kind == "value_error":
            message = item["msg"].removeprefix("Value error, ")
        elif kind in ("literal_error", "enum") and "expected" in item.get("ctx", {}):
            message = f"must be one of: {item['ctx']['expected']}"
        elif kind == "string_pattern_mismatch":
            message = f"has the wrong form (expected pattern {item['ctx']['pattern']})"
        elif kind in ("greater_than_equal", "less_than_equal"):
            message = item["msg"]
        problems.append(Problem(doc.file, doc.line_of(loc), dotted(loc), message, kind, params))
    return problems


def validate_model(model: type[M], doc: YamlDocument) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as err:
        return None, problems_from_validation(err, doc)


def read_document(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML file; raises YamlError with the file's problem."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(Problem.of(name, 1, "(file)", "not_utf8", "the file is not UTF-8 text")) from None
    return parse_yaml(text, name)


def parse_procedure(
    text: str, file: str, expected_id: str | None
) -> tuple[Procedure | None, YamlDocument | None, list[Problem]]:
    try:
        doc = parse_yaml(text, file)
    except YamlError as err:
        return None, None, [err.problem]
    procedure, problems = validate_model(Procedure, doc)
    if procedure is not None and expected_id is not None and procedure.id != expected_id:
        problems.append(
            Problem.of(
                file,
                doc.line_of(("id",)),
                "id",
                "id_not_file_name",
                "the id '{id}' must match the file name '{name}'",
                id=procedure.id,
                name=expected_id,
            )
        )
    return procedure, doc, problems


def catalogue_problems(catalogue: Catalogue, docs: dict[str, YamlDocument]) -> list[Problem]:
    """Second pass: references between procedures."""
    problems = []
    for procedure in catalogue.procedures():
        doc = docs[procedure.id]
        for i, other in enumerate(procedure.related):
            if other not in catalogue:
                problems.append(
                    Problem.of(
                        doc.file,
                        doc.line_of(("related", i)),
                        f"related.{i}",
                        "no_such_procedure",
                        "no procedure has the id '{id}'",
                        id=other,
                    )
                )
            elif other == procedure.id:
                problems.append(
                    Problem.of(
                        doc.file,
                        doc.line_of(("related", i)),
                        f"related.{i}",
                        "related_to_itself",
                        "a procedure cannot be related to itself",
                    )
                )
    codes: dict[str, str] = {}
    for procedure in catalogue.procedures():
        if procedure.code and procedure.code in codes:
            doc = docs[procedure.id]
            problems.append(
                Problem.of(
                    doc.file,
                    doc.line_of(("code",)),
                    "code",
                    "code_used_twice",
                    "the code {code} is also used by '{id}'",
                    code=procedure.code,
                    id=codes[procedure.code],
                )
            )
        elif procedure.code:
            codes[procedure.code] = procedure.id
    return problems


def load_catalogue_texts(files: dict[str, str]) -> Catalogue:
    """Validate procedure files given as {file name: YAML text}; raise ContentInvalid with every problem."""
    procedures: list[Procedure] = []
    docs: dict[str, YamlDocument] = {}
    problems: list[Problem] = []
    for name in sorted(files):
        expected = Path(name).stem
        procedure, doc, found = parse_procedure(files[name], name, expected)
        problems.extend(found)
        if procedure is not None and doc is not None:
            if procedure.id in docs:
                problems.append(Problem.of(name, 1, "id", "id_used_twice", ID_USED_TWICE, id=procedure.id))
                continue
            procedures.append(procedure)
            docs[procedure.id] = doc
    catalogue = Catalogue(procedures)
    problems.extend(catalogue_problems(catalogue, docs))
    if not procedures and not problems:
        problems.append(Problem.of("procedures", 1, "(folder)", "no_procedures", NO_PROCEDURES))
    if problems:
        raise ContentInvalid(problems)
    return catalogue


def read_catalogue_dir(directory: Path) -> dict[str, str]:
    """{file path: text} of every procedure file; raises ContentInvalid for files that are not UTF-8."""
    files: dict[str, str] = {}
    unreadable: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            files[str(path)] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            unreadable.append(Problem.of(str(path), 1, "(file)", "not_utf8", "the file is not UTF-8 text"))
    if unreadable:
        raise ContentInvalid(unreadable)
    return files


def load_catalogue(directory: Path) -> Catalogue:
    return load_catalogue_texts(read_catalogue_dir(directory))


def read_or_problems(path: Path) -> YamlDocument:
    """Read and parse one YAML file; a file that cannot be read or parsed raises ContentInvalid naming it."""
    try:
        return read_document(path)
    except YamlError as err:
        raise ContentInvalid([err.problem]) from None
    except OSError as err:
        raise ContentInvalid(
            [Problem.of(str(path), 1, "(file)", "unreadable", UNREADABLE, why=str(err.strerror))]
        ) from None


def load_model(path: Path, model: type[M]) -> M:
    """Read one YAML file as `model`; raise ContentInvalid listing every problem as FILE:LINE: field."""
    value, problems = validate_model(model, read_or_problems(path))
    if value is None:
        raise ContentInvalid(problems)
    return value
