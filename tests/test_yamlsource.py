"""Safe YAML reading: line numbers kept, hostile constructs refused with a clear problem."""

from __future__ import annotations

import pytest

from bot.content.yamlsource import MAX_FILE_BYTES, YamlError, parse_yaml


def test_lines_are_kept_for_every_value() -> None:
    doc = parse_yaml("id: a\nfee:\n  text: x\ndocuments:\n  - name: A\n  - name: B\n", "p.yaml")
    assert doc.data["documents"][1]["name"] == "B"
    assert doc.line_of(("fee", "text")) == 3
    assert doc.line_of(("documents", 1, "name")) == 6
    assert doc.line_of(("documents", 1, "missing")) == 6  # a missing key points at its parent
    assert doc.line_of(("nothing",)) == 1


def test_vietnamese_text_survives() -> None:
    assert parse_yaml("name: Đăng ký khai sinh\n", "p.yaml").data == {"name": "Đăng ký khai sinh"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: &x [1, 2]\nb: *x\n", 1, "anchors"),
        ("a: 1\nb: !!python/object:os.system ls\n", 2, "tag"),
        ("a: 1\na: 2\n", 2, "twice"),
        ("base: {x: 1}\nother:\n  <<: {y: 2}\n", 3, "merge"),
        ("a: [1, 2\n", 2, "not valid YAML"),
        ("", 1, "empty"),
        ("{[1]: 2}\n", 1, "plain words"),
    ],
)
def test_hostile_or_broken_yaml_is_one_clear_problem(text: str, line: int, words: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    problem = caught.value.problem
    assert problem.file == "f.yaml"
    assert problem.line == line
    assert words in problem.message


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    with pytest.raises(YamlError, match="anchors"):
        parse_yaml(bomb, "bomb.yaml")


def test_oversized_file_is_refused() -> None:
    with pytest.raises(YamlError, match="larger than"):
        parse_yaml("a: " + "x" * (MAX_FILE_BYTES + 1), "big.yaml")
