"""Topics: typed questions reach the guidance of flows.yaml's `topics:`, alone or with the procedure named.

Where a question lands is read from the real flows.yaml (each topic's target), so retargeting a topic
there does not break a test; a question that stops reaching its topic does.
"""

from __future__ import annotations

import pytest

from bot.content.model import Content
from bot.domain.flows.model import Flows
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex
from bot.domain.search.topics import TopicSpec
from tests.helpers import Chat, make_catalogue, make_procedure


def landing(flows: Flows, topic: str) -> tuple[str, str]:
    """Where the conversation waits after the topic's target has run (its first waiting step)."""
    target = flows.topics[topic].target
    place = flows.resolve(target, target)
    assert place is not None
    return place


# The citizens' own words (issue 9), with and without diacritics, and the menu's labels typed.
ALONE = [
    ("không nhận được mã OTP", "otp"),
    ("quen mat khau dich vu cong", "password"),
    ("quên passcode vneid", "passcode"),
    ("nhận kết quả tại nhà qua bưu điện được không", "postal"),
    ("tra cứu hồ sơ đã nộp", "track"),
    ("hồ sơ của tôi đến đâu rồi", "track"),
    ("nộp hồ sơ online như thế nào", "online"),
    ("thanh toán lệ phí trực tuyến bằng cách nào", "pay"),
    ("nhận kết quả qua bưu điện", "postal"),
    ("tra cứu hồ sơ", "track"),
    ("hồ sơ bị yêu cầu bổ sung thì làm sao", "supplement"),
    ("muốn phản ánh việc giải quyết hồ sơ chậm", "complaint"),
    ("thông tin không khớp với cơ sở dữ liệu dân cư", "mismatch"),
    ("đăng nhập dichvucong bằng vneid", "login"),
    ("bạn làm được gì", "bot"),
    ("công ty nợ lương 3 tháng, tôi muốn khởi kiện thì làm thế nào", "legal_aid"),
]


@pytest.mark.parametrize(("question", "topic"), ALONE)
def test_a_question_about_a_topic_alone(real_content: Content, question: str, topic: str) -> None:
    result = real_content.index.search(question)
    assert result.topic is not None and result.topic.id == topic, result
    assert result.topic.kind == "topic"
    assert result.decision == "none" or not real_content.flows.topics[topic].needs


@pytest.mark.parametrize(("question", "topic"), ALONE)
def test_the_chat_opens_the_topic(chat: Chat, real_content: Content, question: str, topic: str) -> None:
    chat.start()
    chat.type(question)
    assert chat.state is not None
    flow, _ = landing(real_content.flows, topic)
    assert chat.state.stack[0].flow == flow or chat.where[0] == flow, (question, chat.where)
    # typed at the menu, a menu label presses its button instead: the same guidance
    assert chat.last.trace.search_decision in ("topic", None)


@pytest.mark.parametrize(
    ("question", "topic", "procedure"),
    [
        ("làm lý lịch tư pháp online nhận qua bưu điện được không", "postal", "ly-lich-tu-phap"),
        ("làm hộ chiếu bao nhiêu tiền", "fee", "ho-chieu"),
        ("đăng ký kết hôn cần giấy tờ gì", "documents", "ket-hon"),
        ("làm căn cước mất bao lâu", "time", "can-cuoc"),
        ("tôi có được hưởng trợ cấp thất nghiệp không", "conditions", "tro-cap-that-nghiep"),
    ],
)
def test_a_question_naming_a_topic_and_a_procedure_opens_that_guidance_for_it(
    chat: Chat, real_content: Content, question: str, topic: str, procedure: str
) -> None:
    result = real_content.index.search(question)
    assert result.topic is not None and result.topic.id == topic
    assert result.matches[0].id == procedure
    chat.start()
    chat.type(question)
    assert chat.state is not None and chat.state.procedure == procedure
    assert chat.where[0] == landing(real_content.flows, topic)[0]


def test_filing_a_named_procedure_online_opens_its_online_walk(chat: Chat, real_content: Content) -> None:
    question = "nộp hồ sơ khai sinh trực tuyến thế nào"
    result = real_content.index.search(question)
    assert result.topic is not None and result.topic.id == "online"
    assert result.matches[0].id == "khai-sinh"
    chat.start()
    chat.type(question)
    if chat.where == ("find", "pick"):
        chat.press("p:khai-sinh")
    assert chat.state is not None and chat.state.procedure == "khai-sinh"
    assert chat.where[0] == "online"


def test_a_topic_with_several_procedures_close_asks_which_then_opens_it(
    chat: Chat, real_content: Content
) -> None:
    question = "khai sinh nhận qua bưu điện"
    result = real_content.index.search(question)
    assert result.topic is not None and result.topic.id == "postal"
    assert result.decision == "choose"
    chat.start()
    chat.type(question)
    assert chat.where == ("find", "pick")
    chat.press(f"p:{result.matches[1].id}")
    assert chat.state is not None and chat.state.procedure == result.matches[1].id
    assert chat.where[0] == "postal"


def test_a_part_of_a_procedure_without_one_asks_which_then_opens_that_part(
    chat: Chat, real_content: Content
) -> None:
    chat.start()
    chat.type("lệ phí bao nhiêu tiền")
    assert chat.where[0] == "find"  # which procedure?
    chat.type("hộ chiếu")
    assert chat.state is not None and chat.state.procedure == "ho-chieu"
    assert chat.where[0] == landing(real_content.flows, "fee")[0]
    assert real_content.catalogue["ho-chieu"].fee.text in chat.text


def test_a_part_asked_mid_conversation_is_about_the_procedure_already_open(
    chat: Chat, real_content: Content
) -> None:
    chat.start()
    chat.type("đăng ký kết hôn")
    assert chat.state is not None and chat.state.procedure == "ket-hon"
    chat.type("mất bao lâu")
    assert chat.state.procedure == "ket-hon"
    assert real_content.catalogue["ket-hon"].processing_time.text in chat.text


def test_a_topic_is_reached_from_inside_a_walk(chat: Chat, real_content: Content) -> None:
    chat.start("khai-sinh")
    chat.press("overview.next_steps.online")
    assert chat.where[0] == "online"
    chat.type("không nhận được mã OTP")
    assert chat.where[0] == landing(real_content.flows, "otp")[0]


def test_a_part_about_something_the_catalogue_lacks_is_not_found(chat: Chat) -> None:
    chat.start()
    chat.type("tôi có được nghỉ phép năm không")
    assert chat.where == ("find", "not_found")


def test_a_declining_topic_offers_no_procedure(real_content: Content) -> None:
    result = real_content.index.search("tranh chấp đất đai với hàng xóm muốn khởi kiện ra tòa")
    assert result.topic is not None and result.topic.id == "legal_aid"
    assert result.decision == "none" and result.matches == ()


def test_a_declining_topic_gives_way_to_a_procedure_the_question_names(real_content: Content) -> None:
    named = real_content.index.search(
        "đang tranh chấp ranh giới với hàng xóm thì có xin giấy phép xây dựng được không"
    )
    assert named.decision != "none" and named.matches[0].id == "giay-phep-xay-dung"
    alone = real_content.index.search("tranh chấp ranh giới đất với hàng xóm thì phải làm sao")
    assert alone.topic is not None and alone.topic.id == "legal_aid" and alone.decision == "none"


def test_topics_change_nothing_for_questions_that_say_none() -> None:
    """The same catalogue with and without topics ranks a procedure question alike."""
    catalogue = make_catalogue(
        make_procedure(id="khai-sinh", name="Đăng ký khai sinh"),
        make_procedure(id="ket-hon", name="Đăng ký kết hôn", code="1.000894"),
    )
    topics = [
        TopicSpec("postal", ("nhận kết quả qua bưu điện",)),
        TopicSpec("fee", ("bao nhiêu tiền",), True),
    ]
    plain = ProcedureIndex.build(catalogue, Lexicon.empty())
    with_topics = ProcedureIndex.build(catalogue, Lexicon.empty(), topics)
    for question in ("đăng ký khai sinh", "ket hon", "khai sinh cho con"):
        assert with_topics.search(question) == plain.search(question)
    found = with_topics.search("khai sinh nhận kết quả qua bưu điện")
    assert found.topic is not None and found.topic.id == "postal"
    assert [m.id for m in found.matches][:1] == ["khai-sinh"]
    pattern = with_topics.search("khai sinh bao nhiêu tiền")
    assert pattern.topic is not None and pattern.topic.id == "fee"
    assert plain.search("khai sinh nhận kết quả qua bưu điện").topic is None


def test_a_general_topic_with_words_that_only_resemble_procedures_is_answered_at_once(
    served_content: Content,
) -> None:
    # "dịch vụ công" names the portal: it loosely resembles portal procedures, which is no reason to ask.
    question = "quen mat khau dich vu cong"
    result = served_content.index.search(question)
    assert result.topic is not None and result.topic.id == "password"
    assert result.decision == "choose" and result.matches[0].score < 50, "the loose resemblance this is about"
    chat = Chat(served_content.engine)
    chat.start()
    chat.type(question)
    assert chat.where[0] == served_content.flows.topics["password"].target.split(".")[0]
    assert chat.state is not None and chat.state.procedure is None
