"""Reading a folder of portal records: `<ministry>/<national code>.json`, one JSON object of strings each
(the format of the project's portal snapshot; README "National portal records" describes the fields).

The records carry no capture date of their own; the folder's README.md says when they were captured
("captured in June–July 2026"), or `motcua portal import --captured` says it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import MotcuaError

FIELDS = (
    "ma_thu_tuc",
    "detail_url",
    "ten_thu_tuc",
    "cap_thuc_hien",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "ket_qua_xu_ly",
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
_CAPTURED = re.compile(r"captured in ([A-Z][a-z]+)(?:\s*[–-]\s*([A-Z][a-z]+))? (\d{4})")


class RecordError(MotcuaError, ValueError):
    """A record file that is not a JSON object of strings with the required fields."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class Record:
    ministry: str  # the folder, e.g. "bo-cong-an"
    fields: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def record_paths(folder: Path) -> list[Path]:
    """Every record file, in a stable order (the tier must come out byte for byte the same)."""
    return sorted(folder.glob("*/*.json"), key=lambda p: (p.parent.name, p.name))


def read_record(path: Path) -> Record:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RecordError(path, f"not JSON text: {err}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise RecordError(path, "not an object of strings")
    missing = [name for name in ("ma_thu_tuc", "ten_thu_tuc", "detail_url") if not data.get(name)]
    if missing:
        raise RecordError(path, f"missing {', '.join(missing)}")
    # Some pages mix decomposed accents (NFD) into the text; the catalogue is NFC throughout.
    return Record(path.parent.name, {str(k): unicodedata.normalize("NFC", v) for k, v in data.items()})


def read_records(folder: Path) -> Iterator[Record | RecordError]:
    for path in record_paths(folder):
        try:
            yield read_record(path)
        except RecordError as err:
            yield err


def captured_from_readme(folder: Path) -> str | None:
    """'captured in June–July 2026' -> '06–07/2026'; None when the folder does not say."""
    readme = folder / "README.md"
    if not readme.is_file():
        return None
    found = _CAPTURED.search(readme.read_text(encoding="utf-8"))
    if found is None or found.group(1) not in _MONTHS:
        return None
    first = f"{_MONTHS[found.group(1)]:02d}"
    last = found.group(2)
    if last in _MONTHS and last != found.group(1):
        return f"{first}–{_MONTHS[last]:02d}/{found.group(3)}"
    return f"{first}/{found.group(3)}"
