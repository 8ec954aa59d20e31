from __future__ import annotations

from bot.domain.portal_page import ChannelKind
from bot.portal.channels import parse_channels
from tests.portal.support import field


def test_time_and_fee_per_channel_as_the_page_states_them() -> None:
    channels = parse_channels(field("1.000757", "cach_thuc_thuc_hien")).value
    assert channels is not None
    by_kind = {c.kind: c for c in channels}
    assert set(by_kind) == {ChannelKind.ONLINE, ChannelKind.IN_PERSON}
    assert by_kind[ChannelKind.ONLINE].time == "7 Ngày làm việc"
    assert by_kind[ChannelKind.ONLINE].working_days == 7
    assert by_kind[ChannelKind.IN_PERSON].fee == "70,000 Việt Nam Đồng"
    assert by_kind[ChannelKind.IN_PERSON].fee_vnd == 70000


def test_channel_words_inside_a_description_do_not_start_a_row() -> None:
    # "Trực tuyến: nộp hồ sơ trực tuyến qua Cổng..." sits in a description, not a row of its own
    channels = parse_channels(field("1.000232", "cach_thuc_thuc_hien")).value
    assert channels is not None
    assert [c.kind for c in channels] == [ChannelKind.IN_PERSON, ChannelKind.POST, ChannelKind.ONLINE]
    assert all(c.time is None and c.time_unread for c in channels)  # "Không có thông tin"


def test_a_fee_contradicted_by_its_description_is_left_to_the_page() -> None:
    # "Không có thông tin" then a long description: nothing to state
    channels = parse_channels(field("1.000178", "cach_thuc_thuc_hien")).value
    assert channels is not None
    assert all(c.fee is None and c.fee_unread and c.described for c in channels)
    assert {c.time for c in channels} == {"60 Ngày làm việc"}


def test_a_free_fee_beside_amounts_is_not_called_free() -> None:
    text = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp12 NgàyMiễn phí(Cho một loại: 8.000.000/lần)"
    channels = parse_channels(text).value
    assert channels is not None
    assert channels[0].fee is None and channels[0].fee_unread
    assert channels[0].time == "12 Ngày" and channels[0].working_days is None  # calendar days


def test_a_number_without_a_unit_is_not_a_time() -> None:
    channels = parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phí").value
    assert channels is not None
    assert channels[0].time is None and channels[0].time_unread and channels[0].fee == "Miễn phí"


def test_a_table_in_another_shape_is_left_to_the_page() -> None:
    parsed = parse_channels(field("2.002235", "cach_thuc_thuc_hien"))
    assert parsed.value is None and parsed.problem
    assert parse_channels("Trực tuyến5 Ngày").value is None  # no header
