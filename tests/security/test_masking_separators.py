"""Phone and ID numbers are masked whatever separates their digits (issue 11, privacy)."""

from __future__ import annotations

import pytest

from bot.domain.privacy import mask_pii

PHONE = "0912345678"


@pytest.mark.parametrize(
    "written",
    [
        "0 9 1 2 3 4 5 6 7 8",
        "0912_345_678",
        "0912/345/678",
        "0912  345  678",
        "0912 - 345 - 678",
        "0912,345,678",
        "0912, 345, 678",
        "0912\u200b345\u200b678",
        "0912\u2009345\u2009678",
        "0912\u202f345\u202f678",
        "0912\n345\n678",
        "0912\r\n345\r\n678",
        "09\u200b12\u200b34\u200b56\u200b78",
    ],
)
def test_a_phone_is_masked_whatever_separates_its_digits(written: str) -> None:
    masked = mask_pii(f"số của tôi: {written} nhé")

    assert masked == "số của tôi: [SĐT] nhé"


@pytest.mark.parametrize(
    "written",
    [
        "001_203_004_005",
        "001/203/004/005",
        "001 , 203 , 004 , 005",
        "0 0 1 2 0 3 0 0 4 0 0 5",
        "001\u200b203004005",
    ],
)
def test_an_id_number_is_masked_whatever_separates_its_digits(written: str) -> None:
    assert mask_pii(f"CCCD {written}.") == "CCCD [CCCD]."


@pytest.mark.parametrize(
    "text",
    [
        "ngày 12.03.2024, 01.07.2025",
        "12/03/2024 - 15/03/2024",
        "từ 7:30 - 11:30, 13:30 - 17:00",
        "thủ tục 1.001193, 2.000908",
    ],
)
def test_dates_times_and_codes_with_mixed_separators_stay(text: str) -> None:
    assert mask_pii(text) == text
