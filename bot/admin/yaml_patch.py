"""Change single values in a procedure's YAML in place, keeping every comment and the layout.

The form sends {"fee.text": "...", "fee.amount": 20000}; re-dumping the YAML would lose the comments
and reorder or rewrap everything, and the history would show the whole file as changed. Instead the
file is composed into nodes, which know where each value starts and ends in the text, and only that
span is rewritten (yaml_render picks a spelling that reads back as exactly the value). A value that is
not in the file yet is added as a new line under its parent, after the sibling that comes before it in
the model's field order; `None` removes the key. Each change is checked by reading the result back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml

from bot.admin.form_fields import Scalar, coerce, expected, leaf_type, model_at, parse_path
from bot.admin.yaml_render import BLOCK_STYLES, render
from bot.content import YamlError, parse_yaml
from bot.domain.flows import YamlPath
from bot.errors import MotcuaError

# libyaml when installed (several times faster); its marks count characters, as Python's do.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PatchError(MotcuaError, ValueError):
    def __init__(self, field: str, why: str) -> None:
        self.field = field
        super().__init__(f"{field}: {why}")


def set_fields(text: str, changes: Mapping[str, Scalar]) -> str:
    """`text` with each dotted field set to its value. Raises UnknownField (before any change) for a
    path the procedure model does not have, and PatchError when the file cannot be edited in place."""
    planned = [(dotted, parse_path(dotted)) for dotted in changes]
    leaves = {dotted: leaf_type(path, dotted) for dotted, path in planned}
    for n, (dotted, path) in enumerate(planned):
        value = coerce(changes[dotted], leaves[dotted])
        text = _Doc(text, dotted, trusted=n > 0).set(path, value, expected(value, leaves[dotted]))
    return text


def add_list_item(text: str, dotted: str, value: str) -> str:
    """`text` with `value` appended to the list at `dotted` (e.g. a new alias)."""
    return _Doc(text, dotted).append(parse_path(dotted), value)


class _Doc:
    def __init__(self, text: str, field: str, trusted: bool = False) -> None:
        """`trusted`: the text is the result of an earlier edit of a checked text."""
        try:
            if not trusted:
                parse_yaml(text, "draft")  # our own reader first: it refuses aliases, tags and duplicates
        except YamlError as err:
            raise PatchError(field, f"the YAML has an error; fix it first ({err.problem.message})") from None
        self.text, self.field = text, field
        root = yaml.compose(text, Loader=_LOADER)
        if root is None:  # pragma: no cover - parse_yaml refuses an empty file first
            raise PatchError(field, "the file is empty")
        self.root: yaml.Node = root

    # --- the two operations ------------------------------------------------------------------------
    def set(self, path: YamlPath, value: Scalar, want: Any) -> str:
        node, owner, depth = self._find(path)
        if node is None:
            if value is None:
                return self.text
            return self._checked(self._insert(owner, path, depth, value, want), path, want)
        if value is None:
            return self._checked(self._delete(path), path, None)
        if not isinstance(node, yaml.ScalarNode):
            raise PatchError(self.field, "holds a group or a list in this file; edit it in YAML mode")
        parent, _, _ = self._find(path[:-1])
        in_flow = isinstance(parent, yaml.CollectionNode) and bool(parent.flow_style)  # `[a, b]`, `{k: v}`
        return self._checked(self._replace(node, value, want, in_flow), path, want)

    def append(self, path: YamlPath, value: str) -> str:
        node, owner, depth = self._find(path)
        if node is None:
            column = self._column(owner)
            line = f"{' ' * (column + 2)}- {render(value, indent=column + 6, key_width=column + 4)}"
            text = self._add_key(
                owner, path[:depth], str(path[depth]), lambda pad: f"{pad}{path[depth]}:\n{line}"
            )
        elif isinstance(node, yaml.SequenceNode) and node.flow_style:
            item = render(value, flow=True)
            at = self._end(node.value[-1]) if node.value else node.end_mark.index - 1
            text = self._splice(at, at, f", {item}" if node.value else item)
        elif isinstance(node, yaml.SequenceNode) and node.value:
            first = node.value[0].start_mark
            dash = self.text.rfind("-", 0, first.index) - self._line_start(first.index)
            at = self._line_end(self._end(node.value[-1]))
            body = f"{' ' * dash}- {render(value, indent=dash + 4, key_width=dash + 2)}\n"
            text = self._splice(at, at, body if self.text[at - 1 : at] in ("\n", "") else "\n" + body)
        else:
            raise PatchError(self.field, "is not a list in this file; edit it in YAML mode")
        loaded = _value_at(text, path, self.field)
        if not (isinstance(loaded, list) and loaded and loaded[-1] == value):
            raise PatchError(self.field, "the item could not be added in place; edit it in YAML mode")
        return text

    # --- finding -----------------------------------------------------------------------------------
    def _find(self, path: YamlPath) -> tuple[yaml.Node | None, yaml.Node, int]:
        """(the node at `path` or None, the deepest existing node on the way, how many steps exist)."""
        node: yaml.Node = self.root
        for depth, part in enumerate(path):
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                child = next(
                    (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None
                )
                if child is None:
                    return None, node, depth
                node = child
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    raise PatchError(self.field, f"there is no item {part} in this list")
                node = node.value[part]
            else:
                raise PatchError(self.field, "the file is laid out differently here; edit it in YAML mode")
        return node, node, len(path)

    # --- editing -----------------------------------------------------------------------------------
    def _replace(self, node: yaml.ScalarNode, value: Scalar, want: Any, in_flow: bool) -> str:
        start, end = node.start_mark.index, self._end(node)
        block = node.style in BLOCK_STYLES
        indent = self._block_indent(start) if block else self._line_indent(start) + 2
        rendered = render(
            value,
            want=want,
            indent=indent,
            key_width=node.start_mark.column,
            style=node.style if block else None,
            flow=in_flow,
        )
        if start == end:  # `key:` with nothing after it
            rendered = " " + rendered
        return self._splice(start, end, rendered)

    def _insert(self, owner: yaml.Node, path: YamlPath, depth: int, value: Scalar, want: Any) -> str:
        rest = path[depth:]
        if not all(isinstance(part, str) for part in rest):
            raise PatchError(self.field, "that list item does not exist")

        def lines(pad: str) -> str:
            out = [f"{pad}{'  ' * i}{part}:" for i, part in enumerate(rest[:-1])]
            key_col = len(pad) + 2 * (len(rest) - 1)
            rendered = render(
                value, want=want, indent=key_col + 2, key_width=key_col + len(str(rest[-1])) + 2
            )
            out.append(f"{pad}{'  ' * (len(rest) - 1)}{rest[-1]}: {rendered}")
            return "\n".join(out)

        return self._add_key(owner, path[:depth], str(rest[0]), lines)

    def _add_key(self, owner: yaml.Node, at: YamlPath, key: str, lines: Callable[[str], str]) -> str:
        """Add `key` (with the lines `lines(indent)` makes) to the mapping `owner`, just before the first
        key that the model puts after it (with that key's comments), or after the last key."""
        if not isinstance(owner, yaml.MappingNode) or owner.flow_style or not owner.value:
            raise PatchError(
                self.field, "its parent is not a block of fields in this file; edit it in YAML mode"
            )
        model = model_at(at)
        order = list(model.model_fields) if model is not None else []

        def rank(name: str) -> int:
            return order.index(name) if name in order else len(order)

        pairs = list(owner.value)
        later = next((i for i, (k, _v) in enumerate(pairs) if rank(k.value) > rank(key)), len(pairs))
        if later < len(pairs) and not self._opens_item(pairs[later][0]):
            at_index = self._above_comments(self._line_start(pairs[later][0].start_mark.index))
            if later > 0:
                at_index = max(at_index, self._line_end(self._end(pairs[later - 1][1])))
        else:
            at_index = self._line_end(self._end(pairs[max(later - 1, 0)][1]))
        body = lines(" " * self._column(owner)) + "\n"
        if at_index > 0 and self.text[at_index - 1] != "\n":
            body = "\n" + body
        return self._splice(at_index, at_index, body)

    def _opens_item(self, key: yaml.Node) -> bool:
        """Whether the key sits on a `- ` line (the first key of a list item): nothing can go above it."""
        return bool(self.text[self._line_start(key.start_mark.index) : key.start_mark.index].strip())

    def _above_comments(self, index: int) -> int:
        """Move a line start up over the comment and blank lines right above it (they belong to the key
        below them)."""
        while index > 0:
            previous = self._line_start(index - 1)
            if self.text[previous:index].strip() and not self.text[previous:index].lstrip().startswith("#"):
                break
            index = previous
        return index

    def _delete(self, path: YamlPath) -> str:
        """Remove the key at `path` with its value; a group left empty goes too."""
        while len(path) > 1:
            parent, _, _ = self._find(path[:-1])
            if isinstance(parent, yaml.MappingNode) and len(parent.value) == 1 and isinstance(path[-2], str):
                path = path[:-1]
            else:
                break
        owner, _, _ = self._find(path[:-1])
        if not isinstance(owner, yaml.MappingNode) or owner.flow_style:
            raise PatchError(self.field, "cannot be removed in place; edit it in YAML mode")
        key, value = next((k, v) for k, v in owner.value if k.value == path[-1])
        line_start = self._line_start(key.start_mark.index)
        if self._opens_item(key):
            start, end = value.start_mark.index, self._end(value)
            return self._splice(start, end, " null" if start == end else "null")
        return self._splice(line_start, self._line_end(self._end(value)), "")

    # --- text positions ----------------------------------------------------------------------------
    def _end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (a block scalar's trailing blank lines and comments excluded)."""
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in BLOCK_STYLES:
                return start + len(self.text[start:end].rstrip())
            return end
        if isinstance(node, yaml.CollectionNode) and node.value and not node.flow_style:
            last = node.value[-1]
            return self._end(last[1] if isinstance(last, tuple) else last)
        return int(node.end_mark.index)

    def _column(self, mapping: yaml.Node) -> int:
        if isinstance(mapping, yaml.MappingNode) and mapping.value:
            return int(mapping.value[0][0].start_mark.column)
        return 0

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def _line_indent(self, index: int) -> int:
        start = self._line_start(index)
        line = self.text[start:index]
        return len(line) - len(line.lstrip(" -"))

    def _block_indent(self, start: int) -> int:
        following = self.text[self._line_end(start) :].split("\n", 1)[0]
        return len(following) - len(following.lstrip(" ")) or self._line_indent(start) + 2

    def _splice(self, start: int, end: int, replacement: str) -> str:
        return self.text[:start] + replacement + self.text[end:]

    def _checked(self, text: str, path: YamlPath, want: Any) -> str:
        got = _value_at(text, path, self.field)
        if type(got) is not type(want) or got != want:
            raise PatchError(self.field, "the value could not be written in place; edit it in YAML mode")
        return text


def _value_at(text: str, path: YamlPath, field: str) -> Any:
    """The value at `path` as the loader reads it (the same safe constructor as bot.content.yamlsource)."""
    try:
        data: Any = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        raise PatchError(field, f"the change broke the YAML ({err})") from None
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data
