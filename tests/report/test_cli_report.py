"""`motcua report` on a database holding a known quarter: the exact figures in the CSV files (worked out
by hand from builders.known_conversations and KNOWN_HANDOFFS), the same numbers in the HTML, the charts."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli.report import add_report_commands, run_report
from bot.config import Settings
from bot.report.csv_out import ENCODING
from bot.report.table import Cell, page_text
from bot.report.texts import load_report_texts
from bot.storage.database import sync_url

PNG = b"\x89PNG\r\n\x1a\n"
TEXT_COLUMNS = {"Mã trong đường dẫn", "Câu hỏi", "Mã bước", "Bước"}  # may look like numbers, are not


def motcua_report(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="motcua")
    add_report_commands(parser.add_subparsers(dest="command", required=True))
    return run_report(parser.parse_args(["report", *argv]), settings)


@pytest.fixture(scope="module")
def out(shared_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out") / "bao-cao"
    assert motcua_report(shared_settings, "--quarter", "2026-Q1", "--out", str(folder)) == 0
    return folder


def read(folder: Path, name: str) -> str:
    return (folder / f"{name}.csv").read_bytes().decode(ENCODING)  # keep the \r\n line ends


def rows(folder: Path, name: str) -> list[list[str]]:
    return list(csv.reader(read(folder, name).splitlines()))


def test_conversations_by_channel_and_key_figures(out: Path) -> None:
    assert read(out, "channels") == (
        "Mã kênh,Kênh,Cuộc trò chuyện,Tỷ lệ (%),Lượt tin nhắn\r\n"
        "zalo,Zalo,2,50,4\r\n"
        "telegram,Telegram,1,25,2\r\n"
        "web,Trang web,1,25,5\r\n"
        ",Tổng cộng,4,100,11\r\n"
    )
    assert read(out, "summary") == (
        "Chỉ số,Giá trị\r\n"
        "Cuộc trò chuyện,4\r\n"
        "Người dân,4\r\n"
        "Lượt tin nhắn,11\r\n"
        "Lượt tìm thấy thủ tục (%),33.3\r\n"
        "Đánh giá hữu ích (%),100\r\n"
        "Lượt quét mã QR,2\r\n"
    )


def test_weeks(out: Path) -> None:
    weeks = rows(out, "weeks")
    header = "Tuần,Từ ngày,Đến ngày,Telegram,Trang web,Zalo,Cuộc trò chuyện,Người dân,Lượt tin nhắn"
    assert weeks[0] == header.split(",")
    assert len(weeks) == 1 + 14 + 1
    busy = [row for row in weeks[1:-1] if row[-1] != "0"]
    assert busy == [
        ["2026-W01", "2026-01-01", "2026-01-04", "0", "1", "1", "2", "2", "6"],
        ["2026-W02", "2026-01-05", "2026-01-11", "0", "0", "1", "1", "1", "3"],
        ["2026-W14", "2026-03-30", "2026-03-31", "1", "0", "0", "1", "1", "2"],
    ]
    assert weeks[-1] == ["Cả quý", "2026-01-01", "2026-03-31", "1", "1", "2", "4", "4", "11"]


def test_procedures_searches_questions_and_scans(out: Path) -> None:
    assert read(out, "procedures") == (
        "Thứ tự,Mã thủ tục trong hệ thống,Thủ tục,Cuộc trò chuyện,Tỷ lệ (%)\r\n"
        "1,thu-tuc-mau,Thủ tục mẫu,2,50\r\n"
    )
    assert read(out, "searches") == (
        "Mã kết quả,Kết quả,Lượt tìm,Tỷ lệ (%),Cuộc trò chuyện\r\n"
        "match,Tìm thấy đúng một thủ tục,1,33.3,1\r\n"
        "choose,Có vài thủ tục để người dân chọn,0,0,0\r\n"
        "none,Không tìm thấy thủ tục nào,2,66.7,2\r\n"
        ",Tổng cộng,3,100,\r\n"
    )
    # two spellings of one question; the one with diacritics is shown
    assert (
        read(out, "questions") == "Thứ tự,Câu hỏi,Số lần hỏi,Cuộc trò chuyện\r\n1,Xin giấy phép bay!,2,2\r\n"
    )
    assert read(out, "scans") == (
        "Mã trong đường dẫn,Mã thủ tục trong hệ thống,Thủ tục,Lượt quét,Cuộc trò chuyện\r\n"
        "1.000001,thu-tuc-mau,Thủ tục mẫu,1,1\r\n"
        "thu-tuc-mau,thu-tuc-mau,Thủ tục mẫu,1,1\r\n"
        ",,Tổng cộng,2,\r\n"
    )


def test_funnels(out: Path) -> None:
    # menu: 4 conversations waited there; 3 moved on (a button, or a question typed in the home menu);
    # the one that only scanned a leaflet stopped there. The guide and its feedback were done to the end.
    assert read(out, "flows") == (
        "Mã kịch bản,Kịch bản,Bắt đầu,Hoàn thành,Tỷ lệ hoàn thành (%),Bỏ dở\r\n"
        "menu,Menu chính,4,3,75,1\r\n"
        "find,Tìm thủ tục,0,0,,0\r\n"
        "guide,Hướng dẫn nộp hồ sơ,1,1,100,0\r\n"
        "online,Nộp hồ sơ trực tuyến,0,0,,0\r\n"
        "feedback,Hỏi ý kiến,1,1,100,0\r\n"
    )
    assert read(out, "flow_steps") == (
        "Mã kịch bản,Mã bước,Bước,Đã tới,Tỷ lệ đã tới (%),Bỏ dở\r\n"
        "menu,choose,Bạn cần mình giúp gì?,4,100,1\r\n"
        "find,ask_query,Bạn cần làm thủ tục gì?,0,,0\r\n"
        "find,pick,Bạn chọn đúng thủ tục nhé.,0,,0\r\n"
        "guide,first,Bước một là chuẩn bị giấy tờ.,1,100,0\r\n"
        "guide,second,Bước hai là nộp hồ sơ trên Cổng Dịch vụ công.,1,100,0\r\n"
        'online,steps,"Đi qua từng bước hướng dẫn (Bước 1, Bước 2…)",0,,0\r\n'  # report.yaml walk_step
        "feedback,helpful,Hướng dẫn có giúp ích cho bạn không?,1,100,0\r\n"
    )


def test_feedback(out: Path) -> None:
    assert read(out, "feedback") == (
        "Mã thủ tục trong hệ thống,Thủ tục,Lượt đánh giá,Hữu ích,Chưa hữu ích,Tỷ lệ hữu ích (%),Có góp ý\r\n"
        ",Không gắn với thủ tục nào,1,1,0,100,0\r\n"
        ",Tất cả,1,1,0,100,0\r\n"
    )


def test_handoffs(out: Path) -> None:
    # waits of the three taken requests: 4, 10 and 810 minutes; in office hours: 4 and 10
    assert read(out, "handoffs") == (
        "Chỉ số,Giá trị\r\n"
        "Yêu cầu gặp cán bộ,4\r\n"
        "Đã có người nhận,3\r\n"
        "Chưa có người nhận,1\r\n"
        "Thời gian chờ trung vị (phút),10\r\n"
        "9/10 yêu cầu được nhận trong vòng (phút),810\r\n"
        "Yêu cầu gửi trong giờ làm việc,3\r\n"
        "Thời gian chờ trung vị trong giờ làm việc (phút),7\r\n"
        "Lượt người dân chấm điểm,1\r\n"
        "Điểm trung bình (thang 1–5),5\r\n"
        "Kết quả: Đang chờ người nhận,1\r\n"
        "Kết quả: Đang được hỗ trợ,1\r\n"
        "Kết quả: Cán bộ đã hỗ trợ xong,1\r\n"
        "Kết quả: Người dân tự rời đi,1\r\n"
    )
    assert read(out, "handoff_wards") == (
        '"Xã, phường",Yêu cầu,Đã có người nhận,Chờ trung vị (phút),9/10 yêu cầu chờ không quá (phút)\r\n'
        "Phường Bến Nghé,2,2,410,810\r\n"
        "Xã Tân Phú,2,1,4,4\r\n"
    )


def test_files_are_utf8_with_a_byte_order_mark_for_spreadsheets(out: Path) -> None:
    assert (out / "channels.csv").read_bytes().startswith("\ufeffMã kênh".encode())


class Tables(HTMLParser):
    """The text of every cell of every <table id="t-..."> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and (found.get("id") or "").startswith("t-"):
            self.current = self.tables.setdefault(str(found["id"])[2:], [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.current is not None and self.cell is not None:
            self.current[-1].append("".join(self.cell))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def typed(text: str) -> Cell:
    """A CSV cell back as the value it was written from."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    return text


def test_every_number_on_the_page_is_the_number_in_the_csv(out: Path) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(html)
    # The steps are shown flow by flow, for the flows someone started.
    started = {row[0] for row in rows(out, "flows")[1:] if row[2] != "0"}
    steps = [row for row in rows(out, "flow_steps")[1:] if row[0] in started]
    flows = [name.removeprefix("flow_steps-") for name in parser.tables if name.startswith("flow_steps-")]
    parser.tables["flow_steps"] = [parser.tables[f"flow_steps-{flows[0]}"][0]]
    parser.tables["flow_steps"] += [row for flow in flows for row in parser.tables[f"flow_steps-{flow}"][1:]]
    assert flows == sorted(started, key=[row[0] for row in steps].index)
    id_columns = {"Mã kênh", "Mã thủ tục trong hệ thống", "Mã kịch bản", "Mã kết quả", "Mã bước"}  # CSV only
    checked = 0
    for path in sorted(out.glob("*.csv")):
        table = rows(out, path.stem)
        if path.stem == "flow_steps":
            table = [table[0], *steps]
        shown = [i for i, heading in enumerate(table[0]) if heading not in id_columns]
        kept = {i for i in shown if table[0][i] in TEXT_COLUMNS}
        expected = [[row[i] if i in kept else page_text(typed(row[i])) for i in shown] for row in table[1:]]
        if path.stem == "summary":  # shown as the key figures at the top
            keys = re.findall(
                r'<span class="key-value">([^<]*)</span><span class="key-label">([^<]*)</span>', html
            )
            assert [[label, value] for value, label in keys] == expected
        else:
            page = parser.tables[path.stem]
            assert page[0] == [table[0][i] for i in shown], path.stem
            assert page[1:] == expected, path.stem
        checked += 1
    assert checked == 12


def test_the_page_is_self_contained_with_its_charts(out: Path) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Báo cáo hoạt động quý 2026-Q1" in html
    assert "Từ ngày 01/01/2026 đến ngày 31/03/2026" in html
    assert html.count('src="data:image/png;base64,') == 5
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the page must load nothing"
    assert "@page" in html and "A4" in html
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert charts == [
        "funnel-feedback.png",
        "funnel-guide.png",
        "funnel-menu.png",
        "procedures.png",
        "weeks.png",
    ]
    assert all((out / "charts" / name).read_bytes().startswith(PNG) for name in charts)


def test_a_feature_without_its_table_says_there_is_no_data_yet(
    known_settings: Settings, tmp_path: Path
) -> None:
    engine = sa.create_engine(sync_url(known_settings.database_url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE handoff_messages"))
        conn.execute(sa.text("DROP TABLE handoffs"))
    engine.dispose()
    folder = tmp_path / "without"
    assert motcua_report(known_settings, "--quarter", "2026-Q1", "--out", str(folder)) == 0
    assert not (folder / "handoffs.csv").exists() and not (folder / "assisted.csv").exists()
    html = (folder / "report.html").read_text(encoding="utf-8")
    words = load_report_texts()
    sections = re.findall(r'<section class="section" id="(\w+)">(.*?)</section>', html, re.S)
    empty = [key for key, body in sections if words.no_data_yet in body]
    assert empty == ["handoffs"]
    # No volunteer session yet reads as just that, not as a missing feature.
    assert [
        key for key, body in sections if " ".join(words.no_assisted.split()) in " ".join(body.split())
    ] == ["assisted"]


def test_assisted_sessions_are_read_when_their_table_exists(known_settings: Settings, tmp_path: Path) -> None:
    engine = sa.create_engine(sync_url(known_settings.database_url))
    with engine.begin() as conn:  # SQLite does not enforce the staff foreign key on this connection
        conn.execute(
            sa.text(
                "INSERT INTO assisted_sessions (started_at, ward, volunteer_id, procedure, consent) VALUES"
                " ('2026-01-10 02:00:00', 'Phường Bến Nghé', 1, 'khai-sinh', 1),"
                " ('2026-02-10 02:00:00', 'Phường Bến Nghé', 2, 'khai-sinh', 1),"
                " ('2026-03-10 02:00:00', 'Xã Tân Phú', 1, 'tam-tru', 1),"
                # 00:00 on 1 April in Hà Nội: not counted
                " ('2026-03-31 17:00:00', 'Xã Tân Phú', 3, 'tam-tru', 1)"
            )
        )
    engine.dispose()
    folder = tmp_path / "assisted"
    assert motcua_report(known_settings, "--quarter", "2026-Q1", "--out", str(folder)) == 0
    assert read(folder, "assisted") == (
        '"Xã, phường",Số buổi hỗ trợ,Tình nguyện viên\r\n'
        "Phường Bến Nghé,2,2\r\n"
        "Xã Tân Phú,1,1\r\n"
        "Tổng cộng,3,2\r\n"
    )


def test_a_quarter_with_nothing_in_it(known_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    assert motcua_report(known_settings, "--quarter", "2025-Q3", "--out", str(folder)) == 0
    assert read(folder, "summary").splitlines()[1:4] == [
        "Cuộc trò chuyện,0",
        "Người dân,0",
        "Lượt tin nhắn,0",
    ]
    assert not (folder / "charts").exists()
    assert load_report_texts().no_rows in (folder / "report.html").read_text(encoding="utf-8")


def test_a_bad_quarter_is_a_usage_error(
    known_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert motcua_report(known_settings, "--quarter", "2026-Q5", "--out", str(tmp_path / "x")) == 2
    assert "'2026-Q5' is not a quarter" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_a_database_without_the_event_log_is_a_clear_failure(
    tmp_path: Path, known_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = known_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert motcua_report(empty, "--quarter", "2026-Q1", "--out", str(tmp_path / "x")) == 1
    assert "no events table" in capsys.readouterr().err
