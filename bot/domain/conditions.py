"""The condition language of flows.yaml: a tiny, safe expression language (no eval).

    procedure.level == 4
    procedure.postal.return_result              a fact read as true / false
    procedure.postal.return_result is unknown   the catalogue leaves it empty
    not procedure.channels.online and answers.helpful == "yes"
    search.count > 1

Grammar (lowest precedence first):

    expr    := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | test
    test    := "(" expr ")" | path [compare literal | "is" ("known" | "unknown")]
    compare := "==" | "!=" | "<" | "<=" | ">" | ">="
    literal := "text in quotes" | whole number | true | false

Facts can be unknown (None): a procedure whose `postal.return_result` nobody has checked, or no procedure
chosen yet. Saying "no" in that case would mislead a citizen, so evaluation uses three-valued (Kleene)
logic: a comparison or truth test on an unknown fact is itself unknown (None), `not unknown` stays
unknown, `false and unknown` is false and `true or unknown` is true. The engine gives an unknown outcome
its own branch target (`unknown:`), and only `is known` / `is unknown` turn unknown into a plain answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.domain.errors import MotcuaError

Value = str | int | bool
Lookup = Callable[[tuple[str, ...]], object]

ORDERING = ("<", "<=", ">", ">=")
OPERATORS = ("==", "!=", *ORDERING)


class ConditionError(MotcuaError, ValueError):
    """The condition cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Path:
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Truth:
    path: Path


@dataclass(frozen=True, slots=True)
class Compare:
    path: Path
    op: str
    value: Value


@dataclass(frozen=True, slots=True)
class Known:
    path: Path
    known: bool  # `is known` (True) or `is unknown` (False)


@dataclass(frozen=True, slots=True)
class Not:
    inner: Expr


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Expr, ...]


Expr = Truth | Compare | Known | Not | All | Any_

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"[^"]*"|'[^']*')
      | (?P<number>-?\d+(?![\w.]))
      | (?P<op>==|!=|<=|>=|<|>|\(|\))
      | (?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_KEYWORDS = {"and", "or", "not", "is", "known", "unknown", "true", "false"}


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ConditionError(f"cannot read '{text[pos:].strip()}' (at character {pos + 1})")
        out.append(match.group(match.lastgroup or "path"))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ConditionError(f"'{self.text}' ends too early")
        self.pos += 1
        return token

    def expect(self, wanted: str) -> None:
        token = self.take()
        if token != wanted:
            raise ConditionError(f"expected '{wanted}' but found '{token}'")

    def parse(self) -> Expr:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        expr = self.any_()
        if self.peek() is not None:
            raise ConditionError(f"unexpected '{self.peek()}' (join conditions with 'and' / 'or')")
        return expr

    def any_(self) -> Expr:
        items = [self.all_()]
        while self.peek() == "or":
            self.take()
            items.append(self.all_())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def all_(self) -> Expr:
        items = [self.unary()]
        while self.peek() == "and":
            self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Expr:
        if self.peek() == "not":
            self.take()
            return Not(self.unary())
        return self.test()

    def test(self) -> Expr:
        token = self.take()
        if token == "(":
            inner = self.any_()
            self.expect(")")
            return inner
        if token in _KEYWORDS or not _PATH.fullmatch(token):
            raise ConditionError(f"expected a fact such as procedure.level, found '{token}'")
        path = Path(tuple(token.split(".")))
        following = self.peek()
        if following in OPERATORS:
            op = self.take()
            return Compare(path, op, self.literal())
        if following == "is":
            self.take()
            word = self.take()
            if word not in ("known", "unknown"):
                raise ConditionError(f"after 'is' write 'known' or 'unknown', not '{word}'")
            return Known(path, word == "known")
        return Truth(path)

    def literal(self) -> Value:
        token = self.take()
        if token in ("true", "false"):
            return token == "true"
        if token[0] in "\"'":
            return token[1:-1]
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        raise ConditionError(f"compare with a value (\"text\", a number, true or false), not '{token}'")


def parse(text: str) -> Expr:
    """Parse a condition; raises ConditionError with a message an official can act on."""
    return _Parser(text).parse()


def walk(expr: Expr) -> Iterator[Truth | Compare | Known]:
    """Every test in the expression, left to right."""
    if isinstance(expr, Not):
        yield from walk(expr.inner)
    elif isinstance(expr, All | Any_):
        for item in expr.items:
            yield from walk(item)
    else:
        yield expr


def truth(value: object) -> bool | None:
    """How a fact reads as a condition: None stays unknown, an empty list or text is false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0
    return True


def _compare(value: object, op: str, wanted: Value) -> bool | None:
    if value is None:
        return None
    if op in ORDERING:
        if isinstance(value, bool) or not isinstance(value, int | float) or isinstance(wanted, bool | str):
            return False
        return {"<": value < wanted, "<=": value <= wanted, ">": value > wanted, ">=": value >= wanted}[op]
    # bool is an int in Python; keep true from equalling 1
    same = type(value) is type(wanted) or (isinstance(value, str) and isinstance(wanted, str))
    equal = same and value == wanted
    return equal if op == "==" else not equal


def evaluate(expr: Expr, lookup: Lookup) -> bool | None:
    """True, False or None (unknown) — see the module docstring for how unknown combines."""
    if isinstance(expr, Truth):
        return truth(lookup(expr.path.parts))
    if isinstance(expr, Compare):
        return _compare(lookup(expr.path.parts), expr.op, expr.value)
    if isinstance(expr, Known):
        return (lookup(expr.path.parts) is not None) == expr.known
    if isinstance(expr, Not):
        inner = evaluate(expr.inner, lookup)
        return None if inner is None else not inner
    results = [evaluate(item, lookup) for item in expr.items]
    if isinstance(expr, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False
