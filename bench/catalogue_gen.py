"""A large, realistic-looking procedure catalogue for scale benchmarks, generated from a seed.

The national catalogue holds thousands of procedures whose names are a handful of actions ("cấp lại",
"gia hạn") applied to a few hundred objects ("giấy phép lao động", "thẻ căn cước") with qualifiers
("do bị mất", "có yếu tố nước ngoài"). That overlap is what makes search hard at scale: a common word
like "cấp" or "giấy" appears in most names. So the generator recombines exactly those parts: the real
catalogue's own objects (its names minus their action) plus more objects from other sectors, every
action and qualifier. Everything else (documents, agency, fee, steps) is borrowed from a real procedure,
so each result is a valid `Procedure`. The text is benchmark data only; citizens never see it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.common import LabelledQuery
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.text import fold

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Đổi",
    "Gia hạn",
    "Đăng ký",
    "Đăng ký lại",
    "Đăng ký thay đổi",
    "Xác nhận",
    "Điều chỉnh",
    "Điều chỉnh nội dung",
    "Thu hồi",
    "Cấp bổ sung",
    "Thông báo",
    "Chấm dứt",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Giải quyết",
    "Cấp bản sao",
]
# Objects outside the real catalogue's sectors, each with the sector it belongs to.
MORE_OBJECTS = {
    "giấy phép lao động cho người nước ngoài": "Việc làm",
    "giấy phép kinh doanh dịch vụ lữ hành nội địa": "Du lịch",
    "thẻ hướng dẫn viên du lịch": "Du lịch",
    "giấy phép kinh doanh karaoke": "Văn hóa",
    "giấy phép tổ chức biểu diễn nghệ thuật": "Văn hóa",
    "giấy chứng nhận đủ điều kiện bán lẻ xăng dầu": "Công thương",
    "giấy phép bán buôn rượu": "Công thương",
    "giấy phép sản xuất thuốc lá": "Công thương",
    "chứng chỉ hành nghề khám bệnh, chữa bệnh": "Y tế",
    "giấy phép hoạt động phòng khám đa khoa": "Y tế",
    "chứng chỉ hành nghề dược": "Dược",
    "giấy chứng nhận đủ điều kiện kinh doanh dược": "Dược",
    "phiếu công bố sản phẩm mỹ phẩm": "Dược",
    "giấy phép kinh doanh vận tải bằng xe ô tô": "Đường bộ",
    "phù hiệu xe kinh doanh vận tải": "Đường bộ",
    "giấy phép đào tạo lái xe": "Đường bộ",
    "giấy phép khai thác khoáng sản": "Tài nguyên và môi trường",
    "giấy phép xả nước thải vào nguồn nước": "Tài nguyên và môi trường",
    "giấy phép môi trường": "Tài nguyên và môi trường",
    "chứng chỉ hành nghề luật sư": "Tư pháp",
    "thẻ công chứng viên": "Tư pháp",
    "giấy chứng nhận đăng ký hoạt động văn phòng công chứng": "Tư pháp",
    "giấy phép hoạt động trường mầm non tư thục": "Giáo dục và đào tạo",
    "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp": "Giáo dục và đào tạo",
    "giấy chứng nhận an toàn kỹ thuật tàu cá": "Thủy sản",
    "giấy phép khai thác thủy sản": "Thủy sản",
    "giấy chứng nhận kiểm dịch động vật": "Nông nghiệp",
    "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật": "Nông nghiệp",
    "giấy chứng nhận thẩm duyệt thiết kế phòng cháy chữa cháy": "Phòng cháy chữa cháy",
    "giấy phép sử dụng tần số vô tuyến điện": "Thông tin và truyền thông",
    "giấy phép thiết lập trang thông tin điện tử tổng hợp": "Thông tin và truyền thông",
    "giấy chứng nhận đăng ký hợp tác xã": "Kế hoạch và đầu tư",
    "giấy chứng nhận đăng ký đầu tư": "Kế hoạch và đầu tư",
    "giấy phép thành lập văn phòng đại diện của thương nhân nước ngoài": "Công thương",
    "quyết định công nhận gia đình văn hóa": "Văn hóa",
    "giấy chứng nhận quyền tác giả": "Văn hóa",
    "giấy xác nhận người có công với cách mạng": "Người có công",
    "trợ cấp ưu đãi người có công": "Người có công",
    "thẻ bảo hiểm y tế cho học sinh, sinh viên": "Bảo hiểm y tế",
    "giấy phép hoạt động ngoại hối": "Ngân hàng",
}
QUALIFIERS = [
    "",
    "",
    "",
    "lần đầu",
    "do bị mất",
    "do bị hỏng",
    "do hết hạn",
    "có yếu tố nước ngoài",
    "cho người nước ngoài",
    "cho doanh nghiệp",
    "cho hộ kinh doanh",
    "cho hợp tác xã",
    "tại cấp xã",
    "tại cấp tỉnh",
    "cấp trung ương",
    "trong khu công nghiệp",
    "đối với tổ chức",
    "đối với cá nhân",
    "khi thay đổi thông tin",
    "thực hiện trực tuyến toàn trình",
    "cho người khuyết tật",
]
# How citizens wrap a request; the generated questions put a procedure's words inside these.
QUESTION_FRAMES = [
    "{} ở đâu",
    "cho em hỏi {} cần giấy tờ gì",
    "{} mất bao lâu",
    "thủ tục {} online thế nào",
    "{} hết bao nhiêu tiền",
    "làm {} trên vneid được không",
    "mình muốn {}",
    "{}",
]


@dataclass(frozen=True)
class Blueprint:
    action: str
    object: str
    qualifier: str
    sector: str

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.action, self.object, self.qualifier) if part)


@dataclass(frozen=True)
class Generated:
    catalogue: Catalogue  # the real procedures first, then generated ones up to the requested size
    blueprints: dict[str, Blueprint]  # generated procedure id -> how its name was made


def real_objects(catalogue: Catalogue) -> dict[str, str]:
    """Each real name minus its leading action ("Cấp lại thẻ căn cước" -> "thẻ căn cước"), with its sector."""
    actions = sorted(ACTIONS, key=len, reverse=True)
    found: dict[str, str] = {}
    for p in catalogue.procedures():
        rest = p.name.split("(")[0].strip()
        for action in actions:
            if rest.lower().startswith((action.lower() + " ", action.lower() + ",")):
                rest = rest[len(action) :]
                break
        if rest.startswith(","):
            continue  # "Cấp lại, đổi, điều chỉnh ...": a list of actions, no single object to reuse
        rest = rest.strip()
        found.setdefault(rest[0].lower() + rest[1:], p.sector)
    return found


def _blueprints(objects: dict[str, str], rng: random.Random) -> Iterator[Blueprint]:
    combos = [(a, o, q) for a in ACTIONS for o in objects for q in dict.fromkeys(QUALIFIERS)]
    rng.shuffle(combos)
    for action, obj, qualifier in combos:
        yield Blueprint(action, obj, qualifier, objects[obj])


def _short(text: str, limit: int = 30) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",")


def _acronym(obj: str) -> str:
    return "".join(fold(word)[0] for word in obj.replace(",", "").split()[:4]).upper()


def _procedure(n: int, plan: Blueprint, donor: Procedure, rng: random.Random) -> Procedure:
    obj_short = " ".join(plan.object.split()[:5])
    informal = f"làm {plan.action.lower()} {obj_short}"
    aliases = [fold(plan.name), informal, fold(informal), f"{plan.action.lower()} {plan.object}"]
    if rng.random() < 0.5:
        aliases.append(_acronym(plan.object))
    level = rng.choice([2, 3, 4])
    data = donor.model_dump()
    data.update(
        id=f"tt-{n:05d}",
        code=f"9.{n:06d}",
        name=plan.name,
        short_name=_short(plan.name),
        summary=f"{plan.name} cho tổ chức, cá nhân có nhu cầu theo quy định hiện hành.",
        aliases=list(dict.fromkeys(aliases)),
        keywords=[" ".join(plan.object.split()[:3]), plan.sector.lower()],
        sector=plan.sector,
        level=level,
        channels={"online": level > 2, "post": rng.random() < 0.5, "in_person": True},
        online_steps=data["online_steps"] if level > 2 else [],
        related=[],
        result=f"{plan.object[0].upper()}{plan.object[1:]}",
    )
    if level > 2 and not data["online_steps"]:
        data["online_steps"] = [{"title": "Nộp hồ sơ", "text": "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia."}]
    return Procedure.model_validate(data)


def generate(base: Catalogue, size: int, seed: int = 2026) -> Generated:
    """`base` (the real catalogue) plus generated procedures, `size` in all (at least the real ones)."""
    rng = random.Random(seed)
    objects = {**real_objects(base), **MORE_OBJECTS}
    donors = base.procedures()
    taken = {fold(p.name) for p in donors}
    procedures = list(donors)
    blueprints: dict[str, Blueprint] = {}
    plans = _blueprints(objects, rng)
    while len(procedures) < size:
        plan = next(plans, None)
        if plan is None:
            raise ValueError(f"the vocabulary makes fewer than {size} distinct names")
        if fold(plan.name) in taken:
            continue
        taken.add(fold(plan.name))
        procedure = _procedure(len(blueprints) + 1, plan, rng.choice(donors), rng)
        blueprints[procedure.id] = plan
        procedures.append(procedure)
    return Generated(Catalogue(procedures), blueprints)


def _typo(text: str, rng: random.Random) -> str:
    """Drop one letter from one longer word, as hurried typing does."""
    words = text.split()
    long_ones = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long_ones:
        return text
    i = rng.choice(long_ones)
    cut = rng.randrange(1, len(words[i]))
    words[i] = words[i][:cut] + words[i][cut + 1 :]
    return " ".join(words)


def generated_queries(generated: Generated, count: int, seed: int = 7) -> list[LabelledQuery]:
    """Citizen-style questions about generated procedures: framed, often without accents, some with a typo."""
    rng = random.Random(seed)
    ids = sorted(generated.blueprints)
    out: list[LabelledQuery] = []
    for _ in range(count if ids else 0):
        pid = rng.choice(ids)
        plan = generated.blueprints[pid]
        said = " ".join(
            p for p in (plan.action.lower(), " ".join(plan.object.split()[:6]), plan.qualifier) if p
        )
        text = rng.choice(QUESTION_FRAMES).format(said)
        roll = rng.random()
        if roll < 0.4:
            text = fold(text)
        if roll > 0.75:
            text = _typo(text, rng)
        out.append(LabelledQuery(text, frozenset({pid})))
    return out
