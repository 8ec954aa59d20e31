"""Every problem code the code can produce has Vietnamese words, and every value those words name is given.

The codes are collected from the source (an ast walk), so a new `PydanticCustomError("…")`,
`Problem.of(…, "code", …)` or `_Refused(line, "code", …)` without a translation fails here, not on an
official's page. pydantic's own codes are collected from `bot.content.loading._PLAIN` plus the ones
whose values
the Vietnamese repeats.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bot.admin import problems_vi
from bot.content.loading import _PLAIN

ROOT = Path(__file__).resolve().parents[2]
# pydantic's codes that bot.content.loading passes through with their ctx, and the ctx names each gives.
PYDANTIC: dict[str, set[str]] = {
    "greater_than_equal": {"ge"},
    "less_than_equal": {"le"},
    "greater_than": {"gt"},
    "float_parsing": set(),
    "float_type": set(),
    "string_too_long": {"max_length"},
    "literal_error": {"expected"},
    "enum": {"expected"},
    "string_pattern_mismatch": {"pattern"},
}


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr if not isinstance(func.value, ast.Name) else f"{func.value.id}.{func.attr}"
    return func.id if isinstance(func, ast.Name) else ""


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def produced() -> dict[str, set[str]]:
    """code -> the names of the params a producing site gives (union over the sites)."""
    codes: dict[str, set[str]] = {kind: set() for kind in _PLAIN}
    for kind, names in PYDANTIC.items():
        codes.setdefault(kind, set()).update(names)
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name, args = _name(node), node.args
            if name == "PydanticCustomError" and (code := _text(args[0] if args else None)):
                params = args[2] if len(args) > 2 else None
                keys = {_text(k) for k in params.keys} if isinstance(params, ast.Dict) else set()
                codes.setdefault(code, set()).update(k for k in keys if k)
                continue
            # Problem.of(file, line, field, code, english, **params); _Refused(line, code, english, **params);
            # flows.yaml's Issue.of(path, code, english, lines_below=..., **params);
            # TemplateError(code, english, **params)
            at = {"Problem.of": 3, "_Refused": 1, "Issue.of": 1, "TemplateError": 0}.get(name)
            if at is not None and len(args) > at and (code := _text(args[at])):
                names = (k.arg for k in node.keywords if k.arg and k.arg != "lines_below")
                codes.setdefault(code, set()).update(names)
    return codes


CODES = produced()


def test_the_walk_finds_the_codes() -> None:
    # One of each producer, so a walk that silently finds nothing cannot pass the tests below.
    assert {"fee_free_with_amount", "id_not_file_name", "yaml_key_twice", "missing"} <= CODES.keys()
    assert CODES["code_used_twice"] == {"code", "id"}
    assert CODES["voice_no_word"] == {"name", "known"}  # an Issue.of, its lines_below not a value
    assert CODES["template_not_fact"] == {"inner"}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_vietnamese_words(code: str) -> None:
    words = code in problems_vi._VI or code in problems_vi.SPECIAL or code in problems_vi.UNTRANSLATED
    assert words, f"{code}: add it to bot/admin/problems_vi.py _VI (or UNTRANSLATED, shown in English)"


@pytest.mark.parametrize("code", sorted(set(CODES) & set(problems_vi._VI)))
def test_the_words_name_only_values_the_problem_gives(code: str) -> None:
    wanted = {field for _, field, _, _ in string.Formatter().parse(problems_vi._VI[code]) if field}
    assert wanted <= CODES[code], (
        f"{code}: the Vietnamese names {wanted - CODES[code]}, which no producer gives"
    )


def test_no_translation_is_left_over() -> None:
    assert set(problems_vi._VI) <= set(CODES), set(problems_vi._VI) - set(CODES)
