"""What a procedure's page on the National Public Service Portal states, as parsed by `motcua portal import`.

Every procedure of the portal tier carries one `PortalPage`; a curated procedure is compared with the page of
the same national code. Values are the portal's own words (a fee "70,000 Việt Nam Đồng", a time "5 Ngày làm
việc"), never rewritten: the bot presents them as "according to the portal page". A value the importer could
not read with certainty is None (or `*_stated` is False), and flows.yaml then sends the citizen to the page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NonEmpty = Annotated[str, Field(min_length=1)]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelKind(StrEnum):
    ONLINE = "online"  # Trực tuyến
    POST = "post"  # Dịch vụ bưu chính
    IN_PERSON = "in_person"  # Trực tiếp


class Filer(StrEnum):
    """Who files it (`doi_tuong_thuc_hien`), in the few groups search ranks by."""

    CITIZEN = "citizen"  # Công dân Việt Nam, người Việt Nam định cư ở nước ngoài
    FOREIGNER = "foreigner"  # Người nước ngoài
    BUSINESS = "business"  # Doanh nghiệp, hợp tác xã, hộ kinh doanh
    ORGANISATION = "organisation"  # Tổ chức, tổ chức nước ngoài
    OFFICIAL = "official"  # Cán bộ, công chức, viên chức; cơ quan nhà nước
    OTHER = "other"


class PortalLevel(StrEnum):
    """`cap_thuc_hien`: the levels of government that handle it."""

    XA = "xã"
    TINH = "tỉnh"
    BO = "bộ"
    OTHER = "khác"  # "Cơ quan khác"


class PortalChannel(Frozen):
    """One row of the page's "Cách thức thực hiện" table."""

    kind: ChannelKind
    time: str | None = None  # as stated, e.g. "5 Ngày làm việc"; None: not stated, or not readable
    time_unread: bool = False  # True when time is None: the card says "see the page" (a term in flows.yaml)
    working_days: float | None = None  # only when the page says "Ngày làm việc"
    fee: str | None = None  # as stated, e.g. "Miễn phí", "70,000 Việt Nam Đồng"
    fee_unread: bool = False
    fee_vnd: int | None = None  # one plain amount, when the page gives exactly one
    described: bool = False  # the row has a description (conditions, fee details) on the page


class PortalDocument(Frozen):
    """One row of "Thành phần hồ sơ"."""

    name: NonEmpty
    form: str | None = None  # the attached form's file name, when it could be told apart from the name
    originals: int = 0  # "1 bản chính"
    copies: int = 0  # "1 bản sao"
    case: str | None = None  # the heading of the group it belongs to ("Trường hợp ...")


class PortalLaw(Frozen):
    """One row of "Căn cứ pháp lý"."""

    title: NonEmpty
    number: str | None = None  # e.g. "68/2013/TT-BCA"


class PortalPage(Frozen):
    url: NonEmpty
    captured: NonEmpty  # when the page was read, as the record set states it (e.g. "06–07/2026")
    ministry: str | None = None  # the record folder, e.g. "bo-cong-an"
    level_text: str | None = None  # `cap_thuc_hien` as stated, e.g. "Cấp bộ, Cấp tỉnh"
    levels: list[PortalLevel] = Field(default_factory=list)
    sector: str | None = None
    who: str | None = None  # `doi_tuong_thuc_hien` as stated
    filers: list[Filer] = Field(default_factory=list)
    agency: str | None = None  # `co_quan_thuc_hien`
    competent: str | None = None  # `co_quan_co_tham_quyen`
    address: str | None = None  # `dia_chi_tiep_nhan`
    channels: list[PortalChannel] | None = None  # None: the table could not be read
    documents: list[PortalDocument] | None = None
    legal_basis: list[PortalLaw] | None = None
    results: list[NonEmpty] | None = None
    decision: str | None = None  # `so_quyet_dinh`: the decision that published the procedure

    def channel(self, kind: ChannelKind) -> PortalChannel | None:
        return next((c for c in self.channels or () if c.kind == kind), None)
