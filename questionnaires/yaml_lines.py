"""Read YAML keeping the line of every element, so a problem can say where it is in the file.

PyYAML's node API (``compose``) keeps marks that the plain ``safe_load`` throws away. Dates stay strings (the
format stores ISO dates as text) and duplicate keys, which PyYAML silently overwrites, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from questionnaires.problems import Path, Problem, format_path


class _Loader(yaml.SafeLoader):
    """Safe loader that leaves ``2021-01-01`` as a string instead of a ``datetime.date``, and keys as text.

    A key written ``1:`` or ``no:`` stays the text the author typed, so the schema can judge it by name.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class LineMap:
    """Line (1-based) of each element path; a missing path falls back to its nearest parent."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_for(self, path: Path) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


@dataclass
class ParsedYaml:
    data: Any
    lines: LineMap
    problems: list[Problem]


def parse_yaml(text: str, file: str | None = None) -> ParsedYaml:
    """Parse one YAML document; a syntax error becomes one Problem with its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        return ParsedYaml(None, LineMap(), [Problem(file, line, "", message)])
    except yaml.YAMLError as error:
        return ParsedYaml(None, LineMap(), [Problem(file, None, "", f"YAML error: {error}")])
    finally:
        loader.dispose()
    lines = LineMap()
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, problems, file)
    return ParsedYaml(data, lines, problems)


def _walk(node: yaml.Node, path: Path, lines: LineMap, problems: list[Problem], file: str | None) -> None:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            child = (*path, key)
            if key in seen:
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, format_path(child), f"duplicate key '{key}'")
                )
            seen.add(key)
            lines.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, file)
