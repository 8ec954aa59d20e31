"""Finding the question in a long message: the story first, the question at the end."""

from __future__ import annotations

from bot.domain.question_parts import question_parts, sentences
from bot.domain.text import clip


def test_a_short_message_is_all_question() -> None:
    assert question_parts("làm giấy khai sinh cho con") == ("làm giấy khai sinh cho con", "")


def test_the_sentences_ending_with_a_question_mark_are_the_question() -> None:
    text = (
        "Ba em mới nhận lương hưu được 3 năm thì mất. Gia đình em cần làm hồ sơ gì để được hưởng chế độ"
        " tử tuất ạ? Em cảm ơn!"
    )
    question, story = question_parts(text)
    assert question == "Gia đình em cần làm hồ sơ gì để được hưởng chế độ tử tuất ạ?"
    assert "lương hưu" in story and "cảm ơn" in story


def test_without_a_question_mark_the_last_asking_sentence_is_the_question() -> None:
    text = (
        "Tôi mới chuyển đến thuê trọ ở phường này được hai tuần. Chủ nhà bảo phải khai báo. Xin hỏi tôi"
        " phải đăng ký tạm trú ở đâu. Cảm ơn ad nhiều"
    )
    question, _ = question_parts(text)
    assert question == "Xin hỏi tôi phải đăng ký tạm trú ở đâu."


def test_numbers_and_abbreviations_do_not_end_a_sentence() -> None:
    assert sentences("Tôi ở TP.HCM, thuế 1.5% một năm. Hỏi gì?") == [
        "Tôi ở TP.HCM, thuế 1.5% một năm.",
        "Hỏi gì?",
    ]


def test_a_very_long_message_keeps_its_beginning_and_its_question() -> None:
    story = "Nhà tôi có nhiều chuyện. " * 60
    clipped = clip(story + "Vậy tôi phải làm thủ tục khai tử thế nào?")
    assert clipped.startswith("Nhà tôi") and clipped.endswith("khai tử thế nào?")
    assert len(clipped) <= 600
