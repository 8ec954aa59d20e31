"""Validation problems in plain Vietnamese, for the admin pages.

The loaders speak English (`motcua validate` prints FILE:LINE: field: message for developers and CI);
officials read Vietnamese. Each English message is matched by a pattern and rewritten; the values it
names (ids, field names, numbers) are carried over. A message nobody has translated yet is still shown,
inside a Vietnamese sentence, rather than hidden.
"""

from __future__ import annotations

import re
from typing import Any

from bot.errors import Problem

# (pattern of the English message, Vietnamese template with the pattern's named groups)
_MESSAGES: tuple[tuple[str, str], ...] = (
    # shape (bot.loading._PLAIN and pydantic)
    (r"this field is required but missing", "Thiếu thông tin bắt buộc này."),
    (r"unknown field \(.*\)", "Tên trường này không có trong mẫu. Kiểm tra lại chính tả và cách thụt dòng."),
    (r"must not be empty", "Không được để trống."),
    (r"must be text", "Phải là chữ."),
    (r"must be a whole number", "Phải là số nguyên, chỉ gồm chữ số (ví dụ 25000)."),
    (r"must be true or false", "Chỉ được ghi true (có) hoặc false (không)."),
    (r"must be a list \(.*\)", "Phải là danh sách: mỗi mục một dòng, bắt đầu bằng “- ”."),
    (r"must be a group of fields", "Phải là một nhóm thông tin: các dòng con thụt vào bên dưới."),
    (r"must be a date written YYYY-MM-DD", "Phải là ngày viết dạng năm-tháng-ngày, ví dụ 2025-07-01."),
    (r"must be one of the allowed values", "Giá trị này không nằm trong các giá trị được phép."),
    (r"must be one of: (?P<values>.*)", "Chỉ được là một trong các giá trị: {values}."),
    (r"Input should be greater than or equal to (?P<n>\S+)", "Phải lớn hơn hoặc bằng {n}."),
    (r"Input should be less than or equal to (?P<n>\S+)", "Phải nhỏ hơn hoặc bằng {n}."),
    (r"Input should be greater than (?P<n>\S+)", "Phải lớn hơn {n}."),
    (r"Input should be a valid number.*", "Phải là một số (ví dụ 15 hoặc 7.5)."),
    (r"String should have at most (?P<n>\d+) characters?", "Dài quá: tối đa {n} ký tự."),
    (r"List should have at least (?P<n>\d+) items?.*", "Danh sách cần ít nhất {n} mục."),
    # a procedure's own rules (bot.domain.catalogue)
    (
        r"a free procedure cannot also have an amount",
        "Đã ghi miễn lệ phí (free: true) thì không ghi số tiền (amount).",
    ),
    (
        r"short_name must fit a button: (?P<n>\d+) characters at most",
        "Tên ngắn phải vừa một nút bấm: tối đa {n} ký tự.",
    ),
    (
        r"source must be a web address .*",
        "Nguồn phải là địa chỉ trang web, bắt đầu bằng http:// hoặc https://.",
    ),
    (
        r"unverified names fields that do not exist: (?P<names>.*)",
        "Danh sách thông tin chưa kiểm chứng có tên trường không tồn tại: {names}.",
    ),
    (
        r"level 2 means no online filing, but channels.online is true",
        "Mức 2 nghĩa là chưa nộp trực tuyến được, nhưng channels.online đang ghi true.",
    ),
    (
        r"level (?P<n>\d) needs channels.online: true",
        "Mức {n} là nộp trực tuyến được, nên cần ghi channels.online: true.",
    ),
    (
        r"an online procedure needs online_steps .*",
        "Thủ tục nộp trực tuyến được cần có các bước nộp trực tuyến (online_steps).",
    ),
    # between procedures (bot.loading, content_set)
    (r"no procedure has the id '(?P<id>[^']*)'", "Không có thủ tục nào mang mã tệp “{id}”."),
    (r"a procedure cannot be related to itself", "Một thủ tục không thể là thủ tục liên quan của chính nó."),
    (r"the code (?P<code>\S+) is also used by '(?P<id>[^']*)'", "Mã {code} đã được dùng cho thủ tục “{id}”."),
    (
        r"the id '(?P<id>[^']*)' must match the file name '(?P<name>[^']*)'",
        "Mã tệp “{id}” phải trùng với tên tệp “{name}”.",
    ),
    (r"the id '(?P<id>[^']*)' is used by another file", "Mã tệp “{id}” đã được một tệp khác dùng."),
    (r"no procedure files .*", "Không có tệp thủ tục nào."),
    (
        r"not a content file.*",
        "Không phải tệp nội dung: chỉ dùng procedures/<mã>.yaml, flows.yaml, lexicon.yaml "
        "hoặc outreach.yaml.",
    ),
    (r"the file is missing", "Thiếu tệp này."),
    # reading the YAML (bot.yamlsource)
    (r"keys must be plain words", "Tên trường phải là một từ đơn giản."),
    (r"merge keys \(<<\) are not allowed", "Không được dùng “<<”."),
    (r"the key '(?P<key>[^']*)' appears twice", "Trường “{key}” xuất hiện hai lần; chỉ giữ một."),
    (r"the tag (?P<tag>\S+) is not allowed", "Không được dùng thẻ {tag}."),
    (r"anchors and aliases .*", "Không được dùng tham chiếu “*tên” trong tệp."),
    (r"anchors .*", "Không được dùng “&tên” trong tệp."),
    (r"the file is larger than (?P<n>\d+) KB", "Tệp quá lớn: tối đa {n} KB."),
    (r"the file is empty", "Tệp đang trống."),
    (r"the file is not UTF-8 text", "Tệp không phải văn bản UTF-8."),
    (r"cannot be read: (?P<why>.*)", "Không đọc được tệp ({why})."),
    # the lexicon and the leaflet words
    (r"must contain at least one word .*", "Phải có ít nhất một từ (chữ hoặc số)."),
    (r"a stop word must be a single word.*", "Mỗi từ dừng chỉ gồm một từ; cụm từ thì đặt ở fillers."),
    (
        r"'(?P<v>[^']*)' is given two meanings: '(?P<a>[^']*)' and '(?P<b>[^']*)'",
        "“{v}” đang có hai nghĩa: “{a}” và “{b}”.",
    ),
    (r"has an unmatched brace.*", "Có dấu ngoặc nhọn thừa hoặc thiếu: chỗ điền dữ liệu viết dạng {{tên}}."),
    (
        r"unknown placeholder (?P<x>\{[^}]*\}) \(allowed here: (?P<y>.*)\)",
        "Chỗ điền {x} không dùng được ở đây (được dùng: {y}).",
    ),
    (r"must contain the placeholder (?P<x>\{[^}]*\})", "Phải có chỗ điền {x}."),
    # flows.yaml (bot.domain.flow_*)
    (
        r"another step of '(?P<f>[^']*)' is already called '(?P<s>[^']*)'",
        "Kịch bản “{f}” đã có một bước tên “{s}”.",
    ),
    (r"'(?P<s>[^']*)' is also a flow's name.*", "Bước “{s}” trùng tên một kịch bản; hãy đổi tên bước."),
    (r"'end' is reserved .*", "“end” dùng để kết thúc kịch bản; hãy đổi tên bước."),
    (r"a branch needs else: .*", "Bước rẽ nhánh cần có else: (đi đâu khi không trường hợp nào đúng)."),
    (
        r"the button id '(?P<b>[^']*)' is used twice in this step",
        "Mã nút “{b}” bị dùng hai lần trong bước này.",
    ),
    (
        r"'(?P<w>[^']*)' is a word of the command '(?P<c>[^']*)', which comes first",
        "“{w}” là từ của lệnh “{c}”, lệnh đó được ưu tiên.",
    ),
    (r"typing '(?P<w>[^']*)' would also press the button '(?P<b>[^']*)'", "Gõ “{w}” cũng sẽ bấm nút “{b}”."),
    (r"a command word needs letters or digits", "Từ của lệnh phải có chữ hoặc số."),
    (r"'(?P<w>[^']*)' is also a word of command '(?P<c>[^']*)'", "“{w}” cũng là từ của lệnh “{c}”."),
    (
        r"menu_button must name a command with goto: \(not '(?P<m>[^']*)'\)",
        "menu_button phải là tên một lệnh có goto: (không phải “{m}”).",
    ),
    (r"call: needs a flow to run, not end", "call: cần tên một kịch bản, không phải end."),
    (r"no command named '(?P<c>[^']*)' \((?P<all>.*)\)", "Không có lệnh nào tên “{c}” (các lệnh: {all})."),
    (
        r"no flow named '(?P<t>[^']*)' \(flows: (?P<all>.*)\)",
        "Không có kịch bản nào tên “{t}” (các kịch bản: {all}).",
    ),
    (
        r"no step or flow named '(?P<t>[^']*)' \(steps of (?P<f>[^:]*): (?P<all>.*)\)",
        "Không có bước hay kịch bản nào tên “{t}” (các bước của {f}: {all}).",
    ),
    (r"the flow '(?P<f>[^']*)' is never used.*", "Kịch bản “{f}” không được dùng ở đâu."),
    (r"the step '(?P<s>[^']*)' can never be reached", "Không có đường nào dẫn tới bước “{s}”."),
    (
        r"these steps go round without waiting: (?P<x>.*)",
        "Các bước này chạy vòng tròn mà không chờ người dân trả lời: {x}.",
    ),
    (
        r"the flow '(?P<f>[^']*)' never reaches end from '(?P<s>[^']*)'.*",
        "Kịch bản “{f}” không bao giờ tới end từ bước “{s}”, nên call này không quay về.",
    ),
    (
        r"no procedure has the field '(?P<x>[^']*)' \(did you mean '(?P<y>[^']*)'\?\)",
        "Thủ tục không có trường “{x}” (có phải “{y}”?).",
    ),
    (r"no procedure has the field '(?P<x>[^']*)'", "Thủ tục không có trường “{x}”."),
    (r"a (?P<i>\S+) item has no field '(?P<x>[^']*)'", "Mục {i} không có trường “{x}”."),
    (
        r"no step of flow '(?P<f>[^']*)' saves an answer '(?P<a>[^']*)' \(saved: (?P<all>.*)\)",
        "Không bước nào của kịch bản “{f}” lưu câu trả lời “{a}” (đang lưu: {all}).",
    ),
    (
        r"unknown fact '(?P<x>[^']*)'.*",
        "Không hiểu dữ liệu “{x}” (dữ liệu bắt đầu bằng procedure., answers., search., item. hoặc list.).",
    ),
    (r"terms: has no label for (?P<k>\S+) = (?P<v>.*)", "Mục terms: chưa có nhãn cho {k} = {v}."),
    (
        r"voice: has no word '(?P<x>[^']*)' \(defined: (?P<all>.*)\)",
        "Mục voice: chưa có từ “{x}” (đang có: {all}).",
    ),
    (r"'\|(?P<x>[^']*)' is unknown.*", "Không có bộ lọc “|{x}”; chỉ dùng được |brief (câu đầu tiên)."),
    (r"formats: has no template for (?P<k>\S+).*", "Mục formats: chưa có mẫu hiển thị cho {k}."),
    (r"the text is longer than (?P<n>\d+) characters.*", "Tin nhắn dài quá {n} ký tự (giới hạn của Zalo)."),
    (
        r"for '(?P<id>[^']*)' this text is (?P<n>\d+) characters \(limit (?P<m>\d+)\)",
        "Với thủ tục “{id}”, tin nhắn này dài {n} ký tự, quá giới hạn {m}. "
        "Hãy viết gọn thông tin của thủ tục.",
    ),
    (r"cannot read the condition: (?P<why>.*)", "Không đọc được điều kiện ({why})."),
    (
        r"(?P<p>\S+) can be unknown .*",
        "{p} có thể để trống trong thủ tục: thêm unknown: vào bước này, "
        "hoặc một trường hợp “when: {p} is unknown”.",
    ),
    (r"(?P<k>\S+) is never '(?P<v>[^']*)' \((?P<all>.*)\)", "{k} không bao giờ là “{v}” (chỉ có: {all})."),
    (r"a button needs exactly one of .*", "Mỗi nút cần đúng một trong goto:, call: hoặc command:."),
    (r"then: only goes with call:", "then: chỉ dùng cùng call:."),
    (r"a step needs exactly one of: (?P<all>.*)", "Mỗi bước cần đúng một trong: {all}."),
    (r"a command needs exactly one of .*", "Mỗi lệnh cần đúng một trong goto:, call: hoặc action:."),
    (
        r"a lone '(?P<t>.)' in '(?P<raw>.*)': write .*",
        "Có dấu “{t}” lẻ trong “{raw}”: chỗ điền dữ liệu viết trong cặp ngoặc nhọn, "
        "như {{procedure.fee.text}}.",
    ),
    (
        r"'(?P<x>\{.*\})' is not a fact.*",
        "“{x}” không phải dữ liệu của thủ tục; hãy viết như {{procedure.fee.text}}.",
    ),
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
    """The message in plain Vietnamese (the English one inside a sentence when it is not known yet)."""
    message = message.strip()
    if message.startswith("not valid YAML: "):
        detail = message.removeprefix("not valid YAML: ")
        return "Sai cách viết YAML: " + (_rewrite(detail, _COMPILED_YAML) or f"{detail}.")
    if message.startswith("must be one of: "):
        values = _OR.sub("hoặc", message.removeprefix("must be one of: "))
        return f"Chỉ được là một trong các giá trị: {values}."
    return _rewrite(message, _COMPILED) or f"Nội dung chưa hợp lệ: {message}"


_PATTERN_FIELDS = {
    "id": "Mã tệp chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ khai-sinh.",
    "code": "Mã thủ tục quốc gia có dạng 1.001193: một chữ số, dấu chấm, sáu chữ số.",
}


def problem_json(problem: Problem) -> dict[str, Any]:
    """{"file", "line", "field", "message"} with the message in Vietnamese."""
    message = problem.message
    if message.startswith("has the wrong form"):
        last = problem.field.rsplit(".", 1)[-1]
        key = "id" if problem.field.startswith("related.") else last
        text = _PATTERN_FIELDS.get(key, "Viết chưa đúng dạng quy định.")
    else:
        text = vietnamese(message)
    return {"file": problem.file, "line": problem.line, "field": problem.field, "message": text}


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem_json(p) for p in problems]
