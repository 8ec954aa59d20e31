"""Safe YAML reading that remembers the line of every value.

Validation errors must point an official at `FILE:LINE`, so we compose the node tree ourselves and keep
a map from the data path (("documents", 2, "name")) to its line. Anchors and aliases are refused (they
serve no purpose in our content and allow "billion laughs" bombs), and so is every non-standard tag
(`!!python/object`...): only plain maps, lists and scalars are content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from bot.domain.flows import YamlPath
from bot.errors import MotcuaError, Problem

MAX_FILE_BYTES = 512 * 1024
MAX_INT_BITS = 63  # what a database column holds; no fee or count comes near it


@dataclass
class YamlDocument:
    file: str
    data: Any
    lines: dict[YamlPath, int]

    def line_of(self, path: YamlPath) -> int:
        """The line of the deepest known prefix of `path` (a missing key points at its parent)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


class _Refused(Exception):
    def __init__(self, line: int, code: str, english: str, **params: str | int) -> None:
        self.line, self.code, self.english, self.params = line, code, english, params


_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


_Loader = yaml.SafeLoader | yaml.CSafeLoader


def _build(node: yaml.Node, path: YamlPath, lines: dict[YamlPath, int], loader: _Loader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _COLLECTION_TAGS:
        raise _Refused(
            node.start_mark.line + 1, "yaml_tag", "the tag {tag} is not allowed", tag=str(node.tag)
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_node.start_mark.line + 1, "yaml_key_not_plain", "keys must be plain words")
            key = str(loader.construct_scalar(key_node))
            if key == "<<":
                raise _Refused(
                    key_node.start_mark.line + 1, "yaml_merge_key", "merge keys (<<) are not allowed"
                )
            if key in out:
                raise _Refused(
                    key_node.start_mark.line + 1, "yaml_key_twice", "the key '{key}' appears twice", key=key
                )
            out[key] = _build(value_node, (*path, key), lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    if node.tag not in _SCALAR_TAGS:
        raise _Refused(
            node.start_mark.line + 1, "yaml_tag", "the tag {tag} is not allowed", tag=str(node.tag)
        )
    line = node.start_mark.line + 1
    try:
        value = loader.construct_object(node)
    except (ValueError, OverflowError) as err:  # a date like 9999-99-99, a number Python will not read
        raise _Refused(
            line,
            "yaml_bad_value",
            "'{value}' is not a valid value: {why}",
            value=str(node.value)[:40],
            why=str(err),
        ) from None
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _Refused(
            line, "yaml_number_too_large", "the number is too large (more than {n} bits)", n=MAX_INT_BITS
        )
    return value


# libyaml's C reader composes the node tree about ten times faster than the pure one. It resolves anchors
# and aliases on its own, so it reads only a text that cannot hold one (neither '&' nor '*' appears);
# whatever it refuses is read again by the pure reader, so every problem is worded as before.
_FAST: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


class _NoAliasComposer(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                event.start_mark.line + 1, "yaml_alias", "anchors and aliases (*name) are not allowed"
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark.line + 1, "yaml_anchor", "anchors (&name) are not allowed")
        return super().compose_node(parent, index)


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; raise ContentInvalid-ready problems as `YamlError`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise YamlError(
            Problem.of(
                file,
                1,
                "(file)",
                "file_too_large",
                "the file is larger than {n} KB",
                n=MAX_FILE_BYTES // 1024,
            )
        )
    if _FAST is not None and "&" not in text and "*" not in text:
        try:
            return _parse(text, file, _FAST(text))
        except YamlError:
            pass  # the pure reader below says what is wrong, in the words officials have always seen
    return _parse(text, file, _NoAliasComposer(text))


def _parse(text: str, file: str, loader: _Loader) -> YamlDocument:
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlError(Problem.of(file, 1, "(file)", "file_empty", "the file is empty"))
        lines: dict[YamlPath, int] = {}
        data = _build(node, (), lines, loader)
    except RecursionError:
        line = int(getattr(loader, "line", 0)) + 1  # where the reader had got to
        raise YamlError(
            Problem.of(file, line, "(yaml)", "yaml_too_deep", "the lists or groups are nested too deeply")
        ) from None
    except _Refused as refused:
        raise YamlError(
            Problem.of(file, refused.line, "(yaml)", refused.code, refused.english, **refused.params)
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(
            Problem.of(
                file,
                line,
                "(yaml)",
                "yaml_syntax",
                "not valid YAML: {detail}",
                detail=str(err.problem or err),
            )
        ) from None
    except yaml.YAMLError as err:
        raise YamlError(
            Problem.of(file, 1, "(yaml)", "yaml_syntax", "not valid YAML: {detail}", detail=str(err))
        ) from None
    finally:
        loader.dispose()
    return YamlDocument(file=file, data=data, lines=lines)


class YamlError(MotcuaError):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
