"""Which dotted paths the editor's form may set on a procedure, and what kind of value each takes.

"fee.amount", "documents.2.note", "aliases.0": every step must exist in the `Procedure` model (a list
step is an index), and the path must end at a single value, not at a group or a list. Anything else is
an unknown field, refused before the YAML is touched.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel

from bot.domain.catalogue import Procedure
from bot.domain.flows import YamlPath
from bot.errors import MotcuaError

Scalar = str | int | float | bool | None


class UnknownField(MotcuaError, ValueError):
    def __init__(self, field: str, why: str) -> None:
        self.field = field
        super().__init__(f"{field}: {why}")


def parse_path(dotted: str) -> YamlPath:
    parts: list[str | int] = []
    for part in dotted.split("."):
        if not part:
            raise UnknownField(dotted, "empty step in the path")
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def _unwrap(annotation: Any) -> Any:
    """Annotated[X, ...] -> X; X | None -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def leaf_type(path: YamlPath, dotted: str, model: type[BaseModel] = Procedure) -> Any:
    """The type at the end of `path` (str, int, float, bool, dt.date, a Literal or an enum)."""
    current: Any = model
    for part in path:
        if _is_model(current):
            fields = current.model_fields
            if not isinstance(part, str) or part not in fields:
                raise UnknownField(dotted, f"no field '{part}' here")
            current = _unwrap(fields[part].annotation)
        elif typing.get_origin(current) is list:
            if not isinstance(part, int):
                raise UnknownField(dotted, f"'{part}' must be an item number")
            current = _unwrap(typing.get_args(current)[0])
        else:
            raise UnknownField(dotted, f"'{part}' goes below a single value")
    if _is_model(current) or typing.get_origin(current) is list:
        raise UnknownField(dotted, "is a group or a list, not a single value")
    return current


def model_at(path: YamlPath, model: type[BaseModel] = Procedure) -> type[BaseModel] | None:
    """The model of the mapping at `path` (for field order when a key is added), if it is one."""
    current: Any = model
    for part in path:
        if _is_model(current) and isinstance(part, str) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation)
        elif typing.get_origin(current) is list and isinstance(part, int):
            current = _unwrap(typing.get_args(current)[0])
        else:
            return None
    return current if _is_model(current) else None


def coerce(value: Scalar, leaf: Any) -> Scalar:
    """Numbers typed into a text box arrive as strings; give number fields numbers. Other mismatches
    are left for validation to report with the field's line."""
    if not isinstance(value, str):
        return value
    value = value.strip()  # the models strip text anyway; a stray space must not force quotes
    digits = value.replace(" ", "").replace(".", "") if leaf is int else value.replace(" ", "")
    if (leaf is int or _int_choices(leaf) or leaf is float) and digits.lstrip("-").isdigit():
        return int(digits)
    if leaf is float:
        try:
            return float(digits.replace(",", "."))
        except ValueError:
            return value
    return value


def expected(value: Scalar, leaf: Any) -> Any:
    """What the YAML loader must read back for `value` (a date field reads a date)."""
    if leaf is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _int_choices(leaf: Any) -> bool:
    """A Literal of numbers, such as the level (2, 3 or 4)."""
    args = typing.get_args(leaf) if typing.get_origin(leaf) is Literal else ()
    return bool(args) and all(type(a) is int for a in args)
