"""A choice of procedures offers buttons the citizen can tell apart, even when the names differ only
after the first 30 characters (portal variants of one procedure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import Content, load_content
from bot.domain.pick_labels import LABEL, pick_labels
from bot.portal.fields import clip

ROOT = Path(__file__).resolve().parents[2]


def _named(*names: str) -> list[tuple[str, str]]:
    return [(clip(name, LABEL), name) for name in names]


def test_distinct_short_names_are_kept() -> None:
    named = _named("Đăng ký khai sinh", "Đăng ký khai tử")
    assert pick_labels(named) == ["Đăng ký khai sinh", "Đăng ký khai tử"]


def test_names_that_part_late_keep_their_opening_and_the_words_that_differ() -> None:
    named = _named(
        "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp tỉnh)",
        "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)",
        "Đăng ký khai sinh",
    )
    assert named[0][0] == named[1][0]  # what the buttons said before
    labels = pick_labels(named)
    assert len(set(labels)) == 3
    assert labels[2] == "Đăng ký khai sinh"
    for label, word in zip(labels, ["tỉnh", "xã"], strict=False):
        assert label.startswith("Trình báo") and label.endswith(f"cấp {word}")


def test_every_label_fits_a_button_and_says_a_difference() -> None:
    named = _named(
        "Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV (công trình Không theo tuyến) "
        "và nhà ở riêng lẻ",
        "Cấp lại giấy phép xây dựng đối với công trình cấp đặc biệt, cấp I, cấp II "
        "(công trình Không theo tuyến)",
        "Đăng ký xe tạm thời thực hiện bằng dịch vụ công trực tuyến một phần hoặc trực tiếp",
        "Đăng ký xe tạm thời thực hiện bằng dịch vụ công trực tuyến toàn trình",
    )
    labels = pick_labels(named)
    assert len(set(labels)) == len(labels), labels
    assert all(0 < len(label) <= LABEL for label in labels), labels


@pytest.fixture(scope="module")
def with_portal() -> Content:
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", ROOT / "portal.json")


def test_portal_variants_that_read_alike_get_distinct_labels(with_portal: Content) -> None:
    """Over the whole portal tier: procedures whose buttons read the same now differ, where their names do."""
    by_short: dict[str, list[tuple[str, str]]] = {}
    for p in with_portal.catalogue.procedures():
        if p.tier == "portal":
            by_short.setdefault(p.short_name.casefold(), []).append((p.short_name, p.name))
    alike = [group for group in by_short.values() if len({name for _, name in group}) == len(group) > 1]
    assert alike, "the portal tier has no procedures whose buttons read alike"
    told_apart = 0
    for group in alike:
        labels = pick_labels(group[:5])  # a choice offers at most five
        assert all(len(label) <= LABEL for label in labels), labels
        told_apart += len(set(labels)) == len(labels)
    print(f"\n{told_apart} of {len(alike)} groups of portal procedures that read alike are told apart")
    assert told_apart >= 0.9 * len(alike)
