"""What flows.yaml may read from a procedure: every field path, with its type, read off the catalogue models.

Validation needs more than the list of names (`catalogue.procedure_field_paths()`): whether a fact can be
unknown (so a branch must say what happens then), which values a choice takes (so `terms:` labels all of
them, and a condition does not compare `level` with 5), and whether it is a record or a list of records
(so `formats:` says how to show one). Reading the types from the pydantic models keeps this in step
with the catalogue: a new field is usable in flows the moment it exists.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from bot.domain.catalogue import Procedure


@dataclass(frozen=True, slots=True)
class FieldType:
    kind: Literal["text", "number", "bool", "choice", "date", "list", "record", "records"]
    nullable: bool = False
    choices: tuple[str, ...] = ()  # for choice and bool: the values as written in terms: keys
    model: type[BaseModel] | None = None  # for record and records: the record's model

    @property
    def labelled(self) -> bool:
        """Whether showing it needs labels from `terms:` (an English key must never reach a citizen)."""
        return self.kind in ("choice", "bool")


def _strip(annotation: object) -> tuple[object, bool]:
    """The annotation without Annotated metadata and None, and whether None was allowed."""
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(annotation))
            if len(args) != 1:
                return annotation, nullable
            annotation = args[0]
        else:
            return annotation, nullable


def field_type(annotation: object) -> FieldType:
    inner, nullable = _strip(annotation)
    origin = get_origin(inner)
    if origin is Literal:
        return FieldType("choice", nullable, tuple(_key(v) for v in get_args(inner)))
    if origin in (list, tuple):
        args = get_args(inner)
        item, _ = _strip(args[0]) if args else (str, False)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return FieldType("records", nullable, model=item)
        return FieldType("list", nullable)
    if isinstance(inner, type):
        if issubclass(inner, BaseModel):
            return FieldType("record", nullable, model=inner)
        if issubclass(inner, Enum):
            return FieldType("choice", nullable, tuple(_key(v) for v in inner))
        if issubclass(inner, bool):
            return FieldType("bool", nullable, ("true", "false"))
        if issubclass(inner, int | float):
            return FieldType("number", nullable)
        if issubclass(inner, dt.date):
            return FieldType("date", nullable)
    return FieldType("text", nullable)


def _key(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


@cache
def fields_of(model: type[BaseModel]) -> dict[str, FieldType]:
    return {name: field_type(info.annotation) for name, info in model.model_fields.items()}


def describe(model: type[BaseModel], parts: tuple[str, ...]) -> FieldType | None:
    """The type at a dotted path inside `model`; None when no such field exists.

    A path may go through records (`fee.text`) but not through lists: one document is reached as
    `item.` inside the `formats:` template of `documents`, never as `documents.name`."""
    current: FieldType | None = None
    nullable = False
    for part in parts:
        if current is not None:
            if current.kind != "record" or current.model is None:
                return None
            model = current.model
        current = fields_of(model).get(part)
        if current is None:
            return None
        nullable = nullable or current.nullable
    if current is None:
        return None
    return FieldType(current.kind, nullable, current.choices, current.model)


@cache
def term_paths() -> dict[str, FieldType]:
    """Every path `terms:` may label: procedure fields, and fields of records inside lists."""
    found: dict[str, FieldType] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, kind in fields_of(model).items():
            found[prefix + name] = kind
            if kind.model is not None:
                walk(kind.model, f"{prefix}{name}.")

    walk(Procedure, "")
    return found


def record_model(key: str) -> type[BaseModel] | None:
    """The record model behind a `formats:` key (a record or list-of-records path), if any."""
    kind = term_paths().get(key)
    return kind.model if kind is not None and kind.kind in ("record", "records") else None
