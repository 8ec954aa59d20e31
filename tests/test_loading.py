"""Catalogue loading: every problem at once, each with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loading import load_catalogue, load_catalogue_texts
from bot.errors import ContentInvalid

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "procedures" / "khai-sinh.yaml").read_text(encoding="utf-8")


def problems_of(files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    with pytest.raises(ContentInvalid) as caught:
        load_catalogue_texts(files)
    return [(p.file, p.line, p.field, p.message) for p in caught.value.problems]


def standalone(text: str) -> str:
    """khai-sinh without references to other procedures, so it validates on its own."""
    lines = [line for line in text.splitlines() if not line.startswith("related:")]
    return "\n".join(lines) + "\n"


def test_the_shipped_catalogue_loads() -> None:
    catalogue = load_catalogue(ROOT / "procedures")
    assert len(catalogue) >= 30
    assert catalogue.by_code("1.001193") is catalogue["khai-sinh"]


def test_a_valid_file_loads_alone() -> None:
    assert "khai-sinh" in load_catalogue_texts({"khai-sinh.yaml": standalone(GOOD)})


def test_unknown_field_names_its_line() -> None:
    text = standalone(GOOD).replace("sector: Hộ tịch", "sectr: Hộ tịch")
    ((file, line, _, message),) = [p for p in problems_of({"khai-sinh.yaml": text}) if p[2] == "sectr"]
    assert file == "khai-sinh.yaml"
    assert text.splitlines()[line - 1].startswith("sectr:")
    assert "unknown field" in message


def test_every_problem_in_every_file_is_reported_at_once() -> None:
    broken = (
        standalone(GOOD).replace("level: 4", "level: five").replace("working_days: 1", "working_days: -3")
    )
    found = problems_of({"khai-sinh.yaml": broken, "ket-hon.yaml": "id: ket-hon\n", "x.yaml": "a: [\n"})
    fields = {(f, fld) for f, _, fld, _ in found}
    assert ("khai-sinh.yaml", "level") in fields
    assert ("khai-sinh.yaml", "processing_time.working_days") in fields
    assert ("ket-hon.yaml", "name") in fields  # missing required fields are listed
    assert any(f == "x.yaml" for f, _, _, _ in found)


def test_id_must_match_the_file_name() -> None:
    found = problems_of({"khai-sinh-2.yaml": standalone(GOOD)})
    assert ("khai-sinh-2.yaml", "id") in {(f, fld) for f, _, fld, _ in found}


def test_related_must_name_existing_procedures() -> None:
    text = standalone(GOOD) + "related: [khong-co-that]\n"
    ((_, _, field, message),) = problems_of({"khai-sinh.yaml": text})
    assert field == "related.0" and "khong-co-that" in message


def test_duplicate_codes_are_reported() -> None:
    other = standalone(GOOD).replace("id: khai-sinh", "id: khai-sinh-ban-sao")
    found = problems_of({"khai-sinh.yaml": standalone(GOOD), "khai-sinh-ban-sao.yaml": other})
    assert any(fld == "code" and "also used" in msg for _, _, fld, msg in found)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "short_name: Đăng ký khai sinh",
            "short_name: Đăng ký khai sinh cho trẻ em mới sinh ở xã",
            "short_name",
        ),
        ("source: https://", "source: ftp://", "source"),
        ("unverified: [", "unverified: [khong_co, ", "(file)"),
        ("  online: true", "  online: false", "(file)"),
    ],
)
def test_rules_inside_one_procedure(old: str, new: str, field: str) -> None:
    text = standalone(GOOD).replace(old, new, 1)
    assert text != standalone(GOOD)
    found = problems_of({"khai-sinh.yaml": text})
    assert any(fld == field for _, _, fld, _ in found), found
