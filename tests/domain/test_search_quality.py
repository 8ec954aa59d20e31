"""Search quality on the real catalogue: the tuning set, the long questions, and the held-out dev set.

Run with `pytest -s tests/domain/test_search_quality.py` to see the figures. Each file holds lines
`gold<TAB>query[<TAB>url]`; gold is procedure ids joined by "|" (any of them is right) or NONE (the
answer must be decision "none"). A question with a gold id counts as wrong when the decision is "none".

The dev set lives beside the repository (../shared/eval/dev_queries.tsv): absent on a developer's
machine the test skips, but under CI (CI=true) it must be there, so a missing file fails.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content.loading import load_catalogue
from bot.content.model import load_content
from bot.domain.search.index import _matched_texts
from bot.domain.search.procedures import ProcedureIndex

ROOT = Path(__file__).parents[2]
TUNING = ROOT / "tests" / "data" / "search_queries.tsv"
LONG = ROOT / "tests" / "data" / "long_questions.tsv"
DEV = ROOT / ".." / "shared" / "eval" / "dev_queries.tsv"


@dataclass(frozen=True)
class Bar:
    """What a set must keep reaching: the figures measured when the search last improved on it."""

    top1: float
    top3: float
    none_accuracy: float


TUNING_BAR = Bar(0.98, 0.99, 1.0)
DEV_BAR = Bar(0.98, 1.0, 1.0)
# A little under the figures: the catalogue changes too. None-accuracy 0.72 (0.753 before): since "sổ đỏ"
# reads as the certificate's full name, two land-law questions about no procedure offer the curated
# land procedures when the portal tier is left out; with it (what the bot serves) they stay unanswered.
LONG_BAR = Bar(0.80, 0.83, 0.72)
# With the portal tier's ~2,600 procedures beside the curated ones (what the bot serves by default).
PORTAL = ROOT / "portal.json"
PORTAL_DEV_BAR = Bar(0.98, 1.0, 1.0)
PORTAL_LONG_BAR = Bar(0.74, 0.81, 0.9)  # without the portal-only questions


@dataclass(frozen=True)
class Labelled:
    gold: frozenset[str]  # empty: about no procedure
    query: str


@dataclass(frozen=True)
class Quality:
    top1: float
    top3: float
    none_accuracy: float
    questions: int
    unrelated: int
    misses: tuple[str, ...]

    def report(self, name: str) -> str:
        return (
            f"\n{name}: top-1 {self.top1:.3f}, top-3 {self.top3:.3f}, none-accuracy {self.none_accuracy:.3f}"
            f" ({self.questions} questions, {self.unrelated} unrelated)"
            + "".join(f"\n  miss: {miss}" for miss in self.misses)
        )


def read_labelled(path: Path) -> list[Labelled]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        gold, sep, rest = line.partition("\t")
        if number == 1 and gold.strip().lower() == "gold":
            continue  # a header line
        assert sep, f"{path}:{number}: expected gold<TAB>query"
        query = rest.split("\t", 1)[0]  # a third column, when there is one, is the question's source
        ids = frozenset() if gold.strip() == "NONE" else frozenset(gold.strip().split("|"))
        rows.append(Labelled(ids, query))
    return rows


def measure(index: ProcedureIndex, rows: list[Labelled]) -> Quality:
    top1 = top3 = questions = unrelated = right_none = 0
    misses = []
    for row in rows:
        result = index.search(row.query)
        ids = [m.id for m in result.matches] if result.decision != "none" else []
        if not row.gold:
            unrelated += 1
            right_none += result.decision == "none"
            if result.decision != "none":
                misses.append(f"NONE {row.query!r} -> {result.decision} {ids[:3]}")
            continue
        questions += 1
        top1 += bool(ids) and ids[0] in row.gold
        top3 += any(i in row.gold for i in ids[:3])
        if not ids or ids[0] not in row.gold:
            misses.append(f"{'|'.join(sorted(row.gold))} {row.query!r} -> {result.decision} {ids[:3]}")
    return Quality(
        top1 / max(1, questions),
        top3 / max(1, questions),
        right_none / max(1, unrelated),
        questions,
        unrelated,
        tuple(misses),
    )


@pytest.fixture(scope="module")
def index() -> ProcedureIndex:
    """The index the bot serves: the catalogue, the lexicon and the topics of flows.yaml."""
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml").index


def check(
    index: ProcedureIndex, path: Path, name: str, bar: Bar, skip: frozenset[str] = frozenset()
) -> Quality:
    rows = [row for row in read_labelled(path) if row.query not in skip]
    known = set(load_catalogue(ROOT / "procedures"))
    unknown = {i for row in rows for i in row.gold} - known
    assert not unknown, f"{path} names procedures the catalogue lacks: {sorted(unknown)}"
    quality = measure(index, rows)
    print(quality.report(name))
    assert quality.questions and quality.unrelated, f"{path} needs both kinds of question"
    assert quality.top1 >= bar.top1, quality.report(name)
    assert quality.top3 >= bar.top3, quality.report(name)
    assert quality.none_accuracy >= bar.none_accuracy, quality.report(name)
    return quality


def test_quality_on_the_tuning_set(index: ProcedureIndex) -> None:
    check(index, TUNING, "tuning set (tests/data/search_queries.tsv)", TUNING_BAR)


def test_quality_on_the_dev_set(index: ProcedureIndex) -> None:
    if not DEV.exists():
        assert os.environ.get("CI") != "true", f"the dev set must be present under CI: {DEV.resolve()}"
        pytest.skip("the held-out dev set (../shared/eval/dev_queries.tsv) is not beside this checkout")
    check(index, DEV, "dev set (held out)", DEV_BAR)


def test_quality_on_long_questions(index: ProcedureIndex) -> None:
    check(index, LONG, "long questions (tests/data/long_questions.tsv)", LONG_BAR)


@pytest.fixture(scope="module")
def portal_index() -> ProcedureIndex:
    return load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", PORTAL).index


def test_quality_with_the_portal_tier(portal_index: ProcedureIndex) -> None:
    """Common questions still land on the curated, citizen-facing procedure among ~2,600 portal ones."""
    # The long set's portal-only questions (NONE there: no curated procedure answers them) are answered
    # by the portal tier now; test_portal_only_questions_find_the_portal_procedure measures them.
    portal_only = frozenset(row.query for row in read_labelled(PORTAL_QUESTIONS))
    check(portal_index, LONG, "long questions, with the portal tier", PORTAL_LONG_BAR, portal_only)
    if DEV.exists():
        check(portal_index, DEV, "dev set, with the portal tier", PORTAL_DEV_BAR)


# Questions answerable only with the portal tier; gold = national codes. A floor at the measured
# figures (36 % top-1, 50 % top-3 since the action a question states is a must-match and long
# questions that name a procedure get a short list; 14 % / 44 % before, 12 % / 40 % before that),
# so the portal tier cannot silently fall back to where it was.
PORTAL_QUESTIONS = ROOT / "tests" / "data" / "portal_questions.tsv"
PORTAL_ONLY_BAR = Bar(0.34, 0.48, 0.0)


def test_portal_only_questions_find_the_portal_procedure(portal_index: ProcedureIndex) -> None:
    rows = [row for row in read_labelled(PORTAL_QUESTIONS) if row.query != "query"]  # its header: gold_code
    codes = {code for row in rows for code in row.gold}
    assert codes, f"{PORTAL_QUESTIONS} names no procedure"
    top1 = top3 = 0
    misses = []
    for row in rows:
        result = portal_index.search(row.query)
        got = [m.code for m in result.matches] if result.decision != "none" else []
        top1 += bool(got) and got[0] in row.gold
        top3 += any(code in row.gold for code in got[:3])
        if not got or got[0] not in row.gold:
            misses.append(f"{'|'.join(sorted(row.gold))} {row.query[:80]!r} -> {result.decision} {got[:3]}")
    quality = Quality(top1 / len(rows), top3 / len(rows), 0.0, len(rows), 0, tuple(misses))
    print(quality.report("portal-only questions (tests/data/portal_questions.tsv)"))
    assert quality.top1 >= PORTAL_ONLY_BAR.top1, quality.report("portal-only questions")
    assert quality.top3 >= PORTAL_ONLY_BAR.top3, quality.report("portal-only questions")


@pytest.mark.parametrize("question", ["cap lai so do", "cấp lại sổ đỏ bị mất", "lam lai so hong bi mat"])
def test_a_land_certificate_is_not_a_social_insurance_book(
    portal_index: ProcedureIndex, question: str
) -> None:
    """ "Sổ đỏ"/"sổ hồng" name the land-use certificate: the word "sổ" alone must not make the citizen's
    social-insurance book (sổ BHXH) the answer, and land procedures are among the first offered."""
    result = portal_index.search(question)
    assert result.decision != "none", question
    first = result.matches[0]
    assert first.id != "cap-lai-so-bhxh-the-bhyt", (question, [m.id for m in result.matches])
    assert all(m.id != "cap-lai-so-bhxh-the-bhyt" for m in result.matches[:3]), question
    names = [m.name for m in result.matches]
    assert any("đất" in name.lower() for name in names[:3]), (question, names)


# The action a citizen states is a must-match (lexicon.yaml `actions`): a procedure that carries another
# action, or none, must not come before one that carries it, whatever its other words.
@pytest.mark.parametrize(
    ("question", "action"),
    [
        ("cho hỏi xoá tạm trú ở đâu", "xóa"),
        ("xóa đăng ký tạm trú cho người đã chuyển đi", "xóa"),
        ("giấy phép xây nhà sắp hết hạn, xin gia hạn ở đâu", "gia hạn"),
        ("xin cấp lại giấy phép xây dựng bị rách", "cấp lại"),
        ("đổi giấy đăng ký xe máy đã cũ nát", "đổi"),
        ("cấp lại giấy chứng nhận đăng ký hộ kinh doanh bị cháy", "cấp lại"),
    ],
)
def test_the_stated_action_comes_first(portal_index: ProcedureIndex, question: str, action: str) -> None:
    result = portal_index.search(question)
    assert result.decision != "none", question
    first = result.matches[0].name.lower()
    assert first.startswith(action) or f" {action} " in f" {first} ", (
        question,
        [m.name for m in result.matches],
    )


def test_a_stated_action_does_not_make_the_plain_procedure_one_clear_answer(
    portal_index: ProcedureIndex,
) -> None:
    """ "Đăng ký tạm trú" fits most words of "xóa tạm trú", but it is another request: never a match."""
    result = portal_index.search("xoa tam tru")
    assert not (result.decision == "match" and result.matches[0].id == "tam-tru"), result


@pytest.mark.parametrize("question", ["bị mất giấy đăng ký xe máy", "mất cà vẹt xe thì xin lại ở đâu"])
def test_a_lost_vehicle_registration_is_not_a_driving_licence(
    portal_index: ProcedureIndex, question: str
) -> None:
    """ "Giấy đăng ký xe" / "cà vẹt" is the vehicle registration certificate (chứng nhận đăng ký xe):
    losing it is not losing a driving licence (giấy phép lái xe)."""
    result = portal_index.search(question)
    assert result.decision != "none", question
    first = result.matches[0].name.lower()
    assert "lái xe" not in first, (question, [m.name for m in result.matches])
    assert "cấp lại" in first and "đăng ký xe" in first, (question, [m.name for m in result.matches])


def test_a_story_about_one_procedure_gets_a_short_list(portal_index: ProcedureIndex) -> None:
    """A long message scores low for the same request; when its first candidate leads the next and
    explains a fair share of the whole message, the citizen gets a short list to pick from (with its
    "not here" button), not a dead end."""
    story = (
        "Năm ngoái tôi làm thẻ căn cước gắn chip ở công an huyện. Tháng trước đi chợ tôi bị móc túi, "
        "mất cả ví lẫn thẻ căn cước. Giờ tôi phải làm gì để có thẻ mới?"
    )
    result = portal_index.search(story)
    assert result.decision == "choose", result
    assert "cap-lai-can-cuoc" in [m.id for m in result.matches[:3]], result


@pytest.mark.parametrize(
    "story",
    [
        "Hàng xóm nhà tôi xây tường lấn sang đất nhà tôi gần nửa mét. Tôi đã báo tổ trưởng dân phố nhưng "
        "họ không chịu dỡ. Tôi có thể kiện ra tòa được không?",
        "Công ty tôi đang làm trả lương chậm ba tháng liền, quản lý cứ hứa hẹn mãi. Tôi muốn nghỉ việc "
        "nhưng sợ mất tiền lương. Tôi nên làm gì?",
    ],
)
def test_a_story_about_no_procedure_stays_unanswered(portal_index: ProcedureIndex, story: str) -> None:
    assert portal_index.search(story).decision == "none"


def test_a_long_question_that_names_a_procedure_gets_a_short_list(portal_index: ProcedureIndex) -> None:
    """Every sentence asks, so no story is set aside, and the message says much besides: the question
    names "tách hộ" whole, and the citizen gets a short list with it, though "kết hôn" scores higher."""
    question = (
        "Vợ chồng tôi mới cưới, đang ở chung nhà với bố mẹ chồng và giờ muốn tách hộ riêng thì làm thế "
        "nào? Cần giấy tờ gì?"
    )
    result = portal_index.search(question)
    assert result.decision == "choose", result
    assert any(m.name == "Tách hộ" for m in result.matches[:3]), result


# "Sổ đỏ" / "sổ hồng" are read as the land-use certificate the way the catalogue words it ("Giấy chứng
# nhận quyền sử dụng đất"), so that the portal's records about the certificate answer them too, not only
# the curated procedures that list "sổ đỏ" among their aliases. Replacing a lost one is the portal's
# "Cấp lại Giấy chứng nhận do bị mất" (1.012786); exchanging an old one, "Cấp đổi Giấy chứng nhận" (1.012783).
@pytest.mark.parametrize(
    "question", ["cap lai so hong bi that lac", "xin cấp lại sổ hồng", "thủ tục cấp lại sổ đỏ"]
)
def test_replacing_a_lost_land_certificate_offers_the_portal_procedure(
    portal_index: ProcedureIndex, question: str
) -> None:
    result = portal_index.search(question)
    assert result.decision != "none", question
    codes = [m.code for m in result.matches]
    assert "1.012786" in codes[:3], (question, [(m.score, m.name) for m in result.matches])


def test_exchanging_an_old_land_certificate_is_its_own_procedure(portal_index: ProcedureIndex) -> None:
    result = portal_index.search("cấp đổi sổ đỏ cũ sang mẫu mới")
    assert result.decision != "none"
    assert result.matches[0].code == "1.012783", [(m.score, m.name) for m in result.matches]


def _said(text: str) -> str:
    """Lower-case words between single spaces, padded, so that a phrase is found only as whole words."""
    words = "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFC", text).lower())
    return f" {' '.join(words.split())} "


def test_each_synonym_is_read_as_words_the_catalogue_uses() -> None:
    """A synonym group's first phrase is what every other one is read as, in questions and in the
    catalogue alike: a phrase no procedure says ("giấy chứng nhận đất") makes "sổ đỏ" match only the
    procedures that list "sổ đỏ" itself, never the records that name the certificate in full."""
    content = load_content(ROOT / "procedures", ROOT / "flows.yaml", ROOT / "lexicon.yaml", PORTAL)
    texts = [_said(" | ".join(text for text, _ in _matched_texts(p))) for p in content.catalogue.procedures()]
    unused = [group[0] for group in content.lexicon.synonyms if not any(_said(group[0]) in t for t in texts)]
    assert not unused, f"no procedure's name, alias, keyword or summary says {unused}"
