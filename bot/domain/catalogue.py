"""The procedure catalogue: one validated `Procedure` per YAML file in procedures/.

Officials edit these files (or the admin form built from the same models), so every field is strict
(`extra="forbid"`): a misspelt key is an error with its line, never a silently ignored fact.
Field values that citizens read are Vietnamese; enum values are short ASCII keys whose Vietnamese labels
live in flows.yaml (`terms:`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.domain.portal_page import PortalPage
from bot.domain.web_urls import web_url

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_PATTERN = r"^\d\.\d{6}$"
SHORT_NAME_MAX = 30  # a short name must fit a button


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


NonEmpty = Annotated[str, Field(min_length=1)]
WebUrl = Annotated[str, Field(min_length=1), AfterValidator(web_url)]  # becomes a link: http(s) only


class AgencyLevel(StrEnum):
    XA = "xã"
    TINH = "tỉnh"
    BO = "bộ"


class DocumentKind(StrEnum):
    ORIGINAL = "original"  # bản chính
    COPY = "copy"  # bản sao
    CERTIFIED_COPY = "certified_copy"  # bản sao có chứng thực
    ORIGINAL_OR_COPY = "original_or_copy"  # bản chính hoặc bản sao
    SHOW_ORIGINAL = "show_original"  # xuất trình bản chính để đối chiếu
    ELECTRONIC = "electronic"  # dữ liệu điện tử / bản điện tử
    FORM = "form"  # tờ khai, điền theo mẫu


class Agency(Strict):
    name: NonEmpty
    level: AgencyLevel
    where: NonEmpty  # where the citizen goes in person, in plain words


class Portal(Strict):
    name: NonEmpty = "Cổng Dịch vụ công quốc gia"
    url: WebUrl = "https://dichvucong.gov.vn"
    vneid: bool = False  # can also be filed inside the VNeID app


class Channels(Strict):
    online: bool
    post: bool
    in_person: bool = True


class Document(Strict):
    name: NonEmpty
    kind: DocumentKind = DocumentKind.ORIGINAL
    count: Annotated[int, Field(ge=1, le=20)] = 1
    form: str | None = None  # the form's number, e.g. "Mẫu CT01"
    note: str | None = None
    required: bool = True  # False: only in some cases (the note says which)


class Fee(Strict):
    free: bool = False
    amount: Annotated[int, Field(ge=0)] | None = None  # VND, at the counter
    online_amount: Annotated[int, Field(ge=0)] | None = None  # VND, when filed online (discount)
    text: NonEmpty  # how the fee is said to citizens, e.g. "Miễn lệ phí nếu đăng ký đúng hạn"

    @model_validator(mode="after")
    def _consistent(self) -> Fee:
        if self.free and self.amount:
            raise PydanticCustomError("fee_free_with_amount", "a free procedure cannot also have an amount")
        return self


class ProcessingTime(Strict):
    text: NonEmpty
    working_days: Annotated[float, Field(ge=0, le=365)] | None = None


class OnlineStep(Strict):
    title: NonEmpty
    text: NonEmpty
    help: str | None = None  # shown when the citizen presses "Gặp khó khăn" on this step


class Postal(Strict):
    send_dossier: bool | None = None  # None: not known
    return_result: bool | None = None
    note: str | None = None


class Contact(Strict):
    office: NonEmpty
    hotline: str | None = None
    officer: str | None = None


class FieldSource(Strict):
    """Where one field's fact comes from when it is not the procedure's own `source` page."""

    field: NonEmpty  # a field name or dotted path, e.g. "processing_time" or "documents.1"
    url: Annotated[str, Field(pattern=r"^https?://")]
    note: str | None = None


class Procedure(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=48)]
    code: Annotated[str, Field(pattern=CODE_PATTERN)] | None = None
    name: NonEmpty
    short_name: NonEmpty  # fits a button label (<= 30 characters)
    summary: NonEmpty  # what it is, in one or two sentences
    for_whom: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=list)
    keywords: list[NonEmpty] = Field(default_factory=list)
    sector: NonEmpty
    level: Literal[2, 3, 4]  # 4 ≈ toàn trình, 3 ≈ một phần, 2 = information and forms only
    agency: Agency
    portal: Portal = Field(default_factory=Portal)
    channels: Channels
    documents: list[Document] = Field(min_length=1)
    fee: Fee
    processing_time: ProcessingTime
    online_steps: list[OnlineStep] = Field(default_factory=list)
    postal: Postal = Field(default_factory=Postal)
    result: NonEmpty
    in_person: str | None = None  # what still needs a visit, if anything
    contact: Contact
    notes: list[NonEmpty] = Field(default_factory=list)
    related: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list)
    legal_basis: list[NonEmpty] = Field(default_factory=list)
    source: NonEmpty | None = None
    # Per-field citations beside `source`: {field, url, note}, or one line "field: address (why)".
    sources: list[FieldSource | NonEmpty] = Field(default_factory=list)
    last_verified: dt.date | None = None
    unverified: list[NonEmpty] = Field(default_factory=list)  # names of fields whose facts are unchecked
    # "portal": generated by `motcua portal import` from the national portal's page (see bot/portal/);
    # its facts are in portal_page and the bot presents them as the page states them.
    tier: Literal["curated", "portal"] = "curated"
    portal_page: PortalPage | None = None

    @field_validator("short_name")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value) > SHORT_NAME_MAX:
            raise PydanticCustomError(
                "short_name_too_long",
                "short_name must fit a button: {n} characters at most",
                {"n": SHORT_NAME_MAX},
            )
        return value

    @field_validator("source")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise PydanticCustomError(
                "source_not_web", "source must be a web address starting with http:// or https://"
            )
        return value

    @model_validator(mode="after")
    def _cross_fields(self) -> Procedure:
        known = set(type(self).model_fields)
        unknown = [name for name in self.unverified if name.split(".")[0] not in known]
        if unknown:
            raise PydanticCustomError(
                "unverified_unknown",
                "unverified names fields that do not exist: {names}",
                {"names": ", ".join(unknown)},
            )
        if self.channels.online and self.level == 2:
            raise PydanticCustomError(
                "level_2_online", "level 2 means no online filing, but channels.online is true"
            )
        if not self.channels.online and self.level in (3, 4):
            raise PydanticCustomError(
                "level_needs_online", "level {n} needs channels.online: true", {"n": self.level}
            )
        if self.tier == "portal" and self.portal_page is None:
            raise PydanticCustomError("portal_needs_page", "a procedure of the portal tier needs portal_page")
        if self.channels.online and not self.online_steps and self.tier == "curated":
            raise PydanticCustomError(
                "online_needs_steps", "an online procedure needs online_steps (the filing script)"
            )
        return self


class Catalogue(Mapping[str, Procedure]):
    """All procedures, by id and by national code. Immutable once built."""

    def __init__(self, procedures: list[Procedure], superseded: Mapping[str, str] | None = None) -> None:
        self._by_id = {p.id: p for p in procedures}
        self._by_code: dict[str, Procedure] = {}
        for p in procedures:
            if p.code:
                self._by_code.setdefault(p.code, p)
        # portal-tier ids whose procedure a curated one replaces: old links (/start tthc-1-001193) still work
        self._superseded = dict(superseded or {})
        self._shadowed: dict[str, Procedure] = {}  # code -> the portal entry a curated procedure replaces

    def __getitem__(self, procedure_id: str) -> Procedure:
        found = self._by_id.get(procedure_id)
        if found is None and procedure_id in self._superseded:
            found = self._by_id.get(self._superseded[procedure_id])
        if found is None:
            raise KeyError(procedure_id)
        return found

    def with_portal(self, portal: list[Procedure] | tuple[Procedure, ...]) -> Catalogue:
        """This catalogue (the curated tier) with the portal tier added; a curated procedure with the same
        national code replaces its portal entry, which keeps answering under its own id."""
        kept, superseded = [], {}
        for entry in portal:
            curated = self._by_code.get(entry.code) if entry.code else None
            if curated is not None:
                superseded[entry.id] = curated.id
            elif entry.id not in self._by_id:
                kept.append(entry)
        merged = Catalogue([*self._by_id.values(), *kept], superseded)
        merged._shadowed = {p.code: p for p in portal if p.code and p.id in superseded}
        return merged

    def portal_entry(self, code: str | None) -> Procedure | None:
        """The portal tier's procedure for a national code, also when a curated one replaces it."""
        if code is None:
            return None
        found = self._shadowed.get(code) or self._by_code.get(code)
        return found if found is not None and found.tier == "portal" else None

    def curated(self) -> list[Procedure]:
        return [p for p in self._by_id.values() if p.tier == "curated"]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_code(self, code: str) -> Procedure | None:
        return self._by_code.get(code)

    def procedures(self) -> list[Procedure]:
        return list(self._by_id.values())


def procedure_field_paths() -> set[str]:
    """Every dotted field path a flow template may use after `procedure.` (e.g. `fee.text`)."""
    paths: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            paths.add(path)
            annotation = info.annotation
            optional = [a for a in get_args(annotation) if a is not type(None)]
            if get_origin(annotation) in (Union, UnionType) and len(optional) == 1:
                annotation = optional[0]  # a record that may be absent (portal_page)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{path}.")

    walk(Procedure, "")
    return paths
