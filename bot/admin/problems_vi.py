"""Validation problems in plain Vietnamese, for the admin pages.

The loaders speak English (`motcua validate` prints FILE:LINE: field: message for developers and CI);
officials read Vietnamese. Each problem carries a code and the values it names (`Problem.code`,
`.params`): `_VI` says each code in Vietnamese with those values. Problems not coded yet (the leaflet
and report words, the step-kind message) are still matched by the pattern of their English message. A
message nobody has translated yet is still shown, inside a Vietnamese sentence, rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.errors import Problem

ALLOWED_VALUES = "Giá trị này không nằm trong các giá trị được phép."
ONE_OF = "Chỉ được là một trong các giá trị: {expected}."
EMPTY = "Không được để trống."
WHOLE_NUMBER = "Phải là số nguyên, chỉ gồm chữ số (ví dụ 25000)."
TRUE_OR_FALSE = "Chỉ được ghi true (có) hoặc false (không)."
GROUP = "Phải là một nhóm thông tin: các dòng con thụt vào bên dưới."
DATE = "Phải là ngày viết dạng năm-tháng-ngày, ví dụ 2025-07-01."
NUMBER = "Phải là một số (ví dụ 15 hoặc 7.5)."

# code -> Vietnamese, with the problem's params as {name}. pydantic's own codes first
# (bot.content.loading keeps
# pydantic's `type` and `ctx`), then the ones our validators and loaders give.
_VI: dict[str, str] = {
    # shape (pydantic)
    "missing": "Thiếu thông tin bắt buộc này.",
    "extra_forbidden": "Tên trường này không có trong mẫu. Kiểm tra lại chính tả và cách thụt dòng.",
    "string_too_short": EMPTY,
    "too_short": EMPTY,
    "string_type": "Phải là chữ.",
    "int_type": WHOLE_NUMBER,
    "int_parsing": WHOLE_NUMBER,
    "bool_type": TRUE_OR_FALSE,
    "bool_parsing": TRUE_OR_FALSE,
    "list_type": "Phải là danh sách: mỗi mục một dòng, bắt đầu bằng “- ”.",
    "dict_type": GROUP,
    "model_type": GROUP,
    "date_from_datetime_parsing": DATE,
    "date_parsing": DATE,
    "date_type": DATE,
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "string_too_long": "Dài quá: tối đa {max_length} ký tự.",
    # a procedure's own rules (bot.domain.catalogue)
    "fee_free_with_amount": "Đã ghi miễn lệ phí (free: true) thì không ghi số tiền (amount).",
    "short_name_too_long": "Tên ngắn phải vừa một nút bấm: tối đa {n} ký tự.",
    "source_not_web": "Nguồn phải là địa chỉ trang web, bắt đầu bằng http:// hoặc https://.",
    "unverified_unknown": "Danh sách thông tin chưa kiểm chứng có tên trường không tồn tại: {names}.",
    "level_2_online": "Mức 2 nghĩa là chưa nộp trực tuyến được, nhưng channels.online đang ghi true.",
    "level_needs_online": "Mức {n} là nộp trực tuyến được, nên cần ghi channels.online: true.",
    "online_needs_steps": "Thủ tục nộp trực tuyến được cần có các bước nộp trực tuyến (online_steps).",
    # between procedures (bot.content.loading, bot.content.content_set)
    "no_such_procedure": "Không có thủ tục nào mang mã tệp “{id}”.",
    "related_to_itself": "Một thủ tục không thể là thủ tục liên quan của chính nó.",
    "code_used_twice": "Mã {code} đã được dùng cho thủ tục “{id}”.",
    "id_not_file_name": "Mã tệp “{id}” phải trùng với tên tệp “{name}”.",
    "id_used_twice": "Mã tệp “{id}” đã được một tệp khác dùng.",
    "no_procedures": "Không có tệp thủ tục nào.",
    "not_content_file": "Không phải tệp nội dung: chỉ dùng procedures/<mã>.yaml, flows.yaml, lexicon.yaml "
    "hoặc outreach.yaml.",
    "file_missing": "Thiếu tệp này.",
    # reading the YAML (bot.content.yamlsource, the file readers)
    "yaml_key_not_plain": "Tên trường phải là một từ đơn giản.",
    "yaml_merge_key": "Không được dùng “<<”.",
    "yaml_key_twice": "Trường “{key}” xuất hiện hai lần; chỉ giữ một.",
    "yaml_tag": "Không được dùng thẻ {tag}.",
    "yaml_alias": "Không được dùng tham chiếu “*tên” trong tệp.",
    "yaml_anchor": "Không được dùng “&tên” trong tệp.",
    "file_too_large": "Tệp quá lớn: tối đa {n} KB.",
    "file_empty": "Tệp đang trống.",
    "not_utf8": "Tệp không phải văn bản UTF-8.",
    "unreadable": "Không đọc được tệp ({why}).",
    # the lexicon (bot.domain.lexicon)
    "no_word": "Phải có ít nhất một từ (chữ hoặc số).",
    "stop_word_phrase": "Mỗi từ dừng chỉ gồm một từ; cụm từ thì đặt ở fillers.",
    "two_meanings": "“{variant}” đang có hai nghĩa: “{a}” và “{b}”.",
    # flows.yaml's shape (bot.domain.flows)
    "button_one_target": "Mỗi nút cần đúng một trong goto:, call: hoặc command:.",
    "then_without_call": "then: chỉ dùng cùng call:.",
    "command_one_target": "Mỗi lệnh cần đúng một trong goto:, call: hoặc action:.",
    # flows.yaml's cross-checks (bot.domain.flows: checks, graph, fields, topics; bot.domain.voice)
    "step_name_twice": "Kịch bản “{flow}” đã có một bước tên “{step}”.",
    "step_is_flow_name": "Bước “{step}” trùng tên một kịch bản; hãy đổi tên bước.",
    "step_named_end": "“end” dùng để kết thúc kịch bản; hãy đổi tên bước.",
    "branch_needs_else": "Bước rẽ nhánh cần có else: (đi đâu khi không trường hợp nào đúng).",
    "button_id_twice": "Mã nút “{button}” bị dùng hai lần trong bước này.",
    "word_of_command": "“{word}” là từ của lệnh “{command}”, lệnh đó được ưu tiên.",
    "word_presses_button": "Gõ “{word}” cũng sẽ bấm nút “{button}”.",
    "command_word_empty": "Từ của lệnh phải có chữ hoặc số.",
    "command_word_twice": "“{word}” cũng là từ của lệnh “{command}”.",
    "menu_button_not_goto": "menu_button phải là tên một lệnh có goto: (không phải “{menu}”).",
    "call_end": "call: cần tên một kịch bản, không phải end.",
    "no_such_command": "Không có lệnh nào tên “{command}” (các lệnh: {commands}).",
    "no_such_flow": "Không có kịch bản nào tên “{flow}” (các kịch bản: {flows}).",
    "no_such_target": "Không có bước hay kịch bản nào tên “{target}” (các bước của {flow}: {steps}).",
    "flow_never_used": "Kịch bản “{flow}” không được dùng ở đâu.",
    "step_never_reached": "Không có đường nào dẫn tới bước “{step}”.",
    "steps_loop": "Các bước này chạy vòng tròn mà không chờ người dân trả lời: {steps}.",
    "call_never_returns": "Kịch bản “{flow}” không bao giờ tới end từ bước “{step}”, "
    "nên call này không quay về.",
    "no_such_field_hint": "Thủ tục không có trường “{field}” (có phải “{hint}”?).",
    "no_such_field": "Thủ tục không có trường “{field}”.",
    "no_such_item_field": "Mục {item} không có trường “{field}”.",
    "no_such_answer": "Không bước nào của kịch bản “{flow}” lưu câu trả lời “{answer}” (đang lưu: {saved}).",
    "unknown_fact": "Không hiểu dữ liệu “{fact}” (dữ liệu bắt đầu bằng procedure., answers., search., item. "
    "hoặc list.).",
    "terms_no_label": "Mục terms: chưa có nhãn cho {key} = {values}.",
    "term_value_never": "{key} không bao giờ là “{value}” (chỉ có: {values}).",
    "voice_no_word": "Mục voice: chưa có từ “{name}” (đang có: {known}).",
    "formats_no_template": "Mục formats: chưa có mẫu hiển thị cho {key}.",
    "text_too_long": "Tin nhắn dài quá {n} ký tự (giới hạn của Zalo).",
    "rendered_too_long": "Với thủ tục “{id}”, tin nhắn này dài {n} ký tự, quá giới hạn {limit}. "
    "Hãy viết gọn thông tin của thủ tục.",
    "condition_unreadable": "Không đọc được điều kiện ({why}).",
    "unknown_not_handled": "{fact} có thể để trống trong thủ tục: thêm unknown: vào bước này, "
    "hoặc một trường hợp “when: {fact} is unknown”.",
    # a template that cannot be read (bot.domain.templates)
    "template_lone_brace": "Có dấu “{token}” lẻ trong “{raw}”: chỗ điền dữ liệu viết trong cặp ngoặc nhọn, "
    "như {{procedure.fee.text}}.",
    "template_not_fact": "“{{{inner}}}” không phải dữ liệu của thủ tục; hãy viết như {{procedure.fee.text}}.",
    "template_unknown_filter": "Không có bộ lọc “|{wanted}”; chỉ dùng được |brief (câu đầu tiên).",
}

# Codes shown as "Nội dung chưa hợp lệ: <the English message>", as before codes existed: nobody has
# worded them in Vietnamese yet (adding one here changes what officials read, so it is a content change).
UNTRANSLATED = frozenset(
    {
        "portal_needs_page",
        "yaml_bad_value",
        "yaml_number_too_large",
        "yaml_too_deep",
        "value_error",
        # flows.yaml's cross-checks
        "handoff_needs_section",
        "no_such_step_in_flow",
        "topic_to_end",
        "topic_no_target",
        "phrasing_empty",
        "phrasing_twice",
        "phrasing_of_other_topic",
        "fact_needs_field",
        "item_outside_walk",
        "list_outside_walk",
        "list_field",
        "compare_order",
        "compare_bool",
        "compare_choice",
        "compare_number",
        "compare_text",
        "format_not_record",
    }
)

# Codes translated by their own rule in `problem_json`, not by a template.
SPECIAL = frozenset({"literal_error", "enum", "string_pattern_mismatch", "yaml_syntax"})

# Problems without a code yet: (pattern of the English message, Vietnamese with its named groups).
_MESSAGES: tuple[tuple[str, str], ...] = (
    # the leaflet and report words (bot.content.outreach_file, bot.report.texts)
    (r"has an unmatched brace.*", "Có dấu ngoặc nhọn thừa hoặc thiếu: chỗ điền dữ liệu viết dạng {{tên}}."),
    (
        r"unknown placeholder (?P<x>\{[^}]*\}) \(allowed here: (?P<y>.*)\)",
        "Chỗ điền {x} không dùng được ở đây (được dùng: {y}).",
    ),
    (r"must contain the placeholder (?P<x>\{[^}]*\})", "Phải có chỗ điền {x}."),
    # flows.yaml's step kinds (the discriminator's message, bot.domain.flows.model)
    (r"a step needs exactly one of: (?P<all>.*)", "Mỗi bước cần đúng một trong: {all}."),
)

# What PyYAML says, for the "not valid YAML" case.
_YAML: tuple[tuple[str, str], ...] = (
    (
        r"mapping values are not allowed here",
        "có dấu hai chấm “:” ở chỗ không được có. Câu có dấu hai chấm thì đặt cả câu trong dấu ngoặc kép.",
    ),
    (r"could not find expected ':'", "thiếu dấu hai chấm “:” sau tên trường."),
    (r"found character '\\t' .*|found character '\t' .*", "có ký tự Tab; hãy dùng dấu cách để thụt dòng."),
    (r"expected <block end>, but found .*", "thụt dòng không đều: các dòng cùng cấp phải thẳng hàng."),
    (r"did not find expected key", "thụt dòng không đúng hoặc thiếu tên trường."),
    (r"did not find expected '-' indicator", "các mục của danh sách thụt dòng không đều."),
    (r"found unexpected end of stream", "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép đóng?)."),
    (r"expected ',' or '\]'.*", "danh sách trong ngoặc vuông [...] viết chưa đúng."),
    (r"expected ',' or '\}'.*", "nhóm trong ngoặc nhọn {{...}} viết chưa đúng."),
    (r"found unexpected ':'", "có dấu hai chấm “:” không đúng chỗ."),
)

_COMPILED = tuple((re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in _MESSAGES)
_COMPILED_YAML = tuple((re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in _YAML)
_OR = re.compile(r"\bor\b")


def _rewrite(message: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, template in table:
        match = pattern.match(message)
        if match is not None:
            return template.format(**match.groupdict())
    return None


def vietnamese(message: str) -> str:
    """An English message without a code in plain Vietnamese (inside a sentence when it is not known)."""
    message = message.strip()
    if message.startswith("not valid YAML: "):
        return _yaml(message.removeprefix("not valid YAML: "))
    if message.startswith("must be one of: "):
        return _one_of(message.removeprefix("must be one of: "))
    return _rewrite(message, _COMPILED) or f"Nội dung chưa hợp lệ: {message}"


def _one_of(expected: str) -> str:
    return ONE_OF.format(expected=_OR.sub("hoặc", expected.rstrip()))


def _yaml(detail: str) -> str:
    """What PyYAML said (its own English, so matched by pattern) in plain Vietnamese."""
    detail = detail.rstrip()
    return "Sai cách viết YAML: " + (_rewrite(detail, _COMPILED_YAML) or f"{detail}.")


_PATTERN_FIELDS = {
    "id": "Mã tệp chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ khai-sinh.",
    "code": "Mã thủ tục quốc gia có dạng 1.001193: một chữ số, dấu chấm, sáu chữ số.",
}


def problem_json(problem: Problem) -> dict[str, Any]:
    """{"file", "line", "field", "message"} with the message in Vietnamese."""
    return {"file": problem.file, "line": problem.line, "field": problem.field, "message": say(problem)}


def say(problem: Problem) -> str:
    """The problem in plain Vietnamese: by its code, else by its English message."""
    code, params = problem.code, problem.params
    if code == "string_pattern_mismatch":
        last = problem.field.rsplit(".", 1)[-1]
        key = "id" if problem.field.startswith("related.") else last
        return _PATTERN_FIELDS.get(key, "Viết chưa đúng dạng quy định.")
    if code in ("literal_error", "enum"):
        if "expected" not in params:
            return ALLOWED_VALUES
        return _one_of(str(params["expected"]))
    if code == "yaml_syntax":
        return _yaml(str(params["detail"]))
    template = _VI.get(code)
    if template is not None:
        return template.format_map(_Values(params))
    return vietnamese(problem.message)


class _Values(dict[str, Any]):
    """The params; a name a template wants but the problem lacks is a bug the test of every code
    catches, so it is shown as it is written rather than raising on an official's page."""

    def __init__(self, params: Mapping[str, str | int]) -> None:
        super().__init__(params)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem_json(p) for p in problems]
