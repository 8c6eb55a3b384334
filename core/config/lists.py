"""Loads and validates the YAML files under config/.

YAML is read with `yaml.safe_load`-equivalent node composition only: nothing in a config
file is ever evaluated as code. Errors name the file, the line and the key; hostile text
(nested more than MAX_DEPTH levels, aliases) is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A config file is missing, unreadable or invalid; the message says where."""


@dataclass(frozen=True)
class Activity:
    """A configured code with its display names: an activity officers log time against,
    or an exit reason."""

    code: str
    name_en: str
    name_zh: str


# The shipped files nest four levels deep; a file nested far deeper is hostile (PyYAML
# composes recursively: 10,000 levels of [[[...]]] end in RecursionError).
MAX_DEPTH = 50


class _Refused(Exception):
    """Raised inside the composer: what is wrong, and the 1-based line where."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader's composer with two refusals: nesting deeper than MAX_DEPTH, and
    aliases (*name). A config file needs neither, and an alias lets a few hundred bytes
    stand for billions of nodes ("billion laughs") for whatever walks them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                event.start_mark.line + 1,
                f"an alias (*{event.anchor}) is not allowed in a configuration file:"
                " write the value out",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(mark.line + 1, f"too deeply nested (more than {MAX_DEPTH} levels)")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def compose_text(text: str, path: Path) -> yaml.Node:
    """The YAML node tree of `text`, named `path` in errors: ConfigError for text that is
    not YAML, nested deeper than MAX_DEPTH, holding an alias, or empty."""
    loader: _GuardedLoader | None = None
    try:
        loader = _GuardedLoader(text)  # refuses control characters itself (ReaderError)
        node = loader.get_single_node()
    except _Refused as refused:
        raise ConfigError(f"{path}, line {refused.line}: {refused.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({exc})") from exc
    except RecursionError:  # belt and braces: MAX_DEPTH keeps the composer far from it
        raise ConfigError(f"{path}: too deeply nested (more than {MAX_DEPTH} levels)") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise ConfigError(f"{path}, line 1: the file is empty")
    return node


def _compose(path: Path) -> yaml.Node:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return compose_text(text, path)


def _mapping(path: Path, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}, line {node.start_mark.line + 1}: {what} must be a mapping")
    result: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in result:
            raise ConfigError(f"{path}, line {key_node.start_mark.line + 1}: duplicate key {key!r}")
        result[key] = value_node
    return result


def _expect_keys(
    path: Path, node: yaml.Node, mapping: dict[str, yaml.Node], required: set[str]
) -> None:
    for key, value in mapping.items():
        if key not in required:
            raise ConfigError(
                f"{path}, line {value.start_mark.line + 1}: unknown key {key!r}"
                f" (expected {', '.join(sorted(required))})"
            )
    missing = required - mapping.keys()
    if missing:
        raise ConfigError(
            f"{path}, line {node.start_mark.line + 1}: missing key {sorted(missing)[0]!r}"
        )


def _text(path: Path, node: yaml.Node, key: str) -> str:
    value: Any = node.value
    if not isinstance(node, yaml.ScalarNode) or not str(value).strip():
        raise ConfigError(
            f"{path}, line {node.start_mark.line + 1}: {key!r} must be a non-empty text"
        )
    return str(value).strip()


def _load_coded_list(config_dir: Path, file_name: str, key: str, what: str) -> list[Activity]:
    """A YAML file holding one list `key` of {code, name: {en, zh}} items, validated."""
    path = config_dir / file_name
    root = _compose(path)
    top = _mapping(path, root, "the file")
    _expect_keys(path, root, top, {key})
    items = top[key]
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        raise ConfigError(
            f"{path}, line {items.start_mark.line + 1}: {key!r} must be a non-empty list"
        )
    found: list[Activity] = []
    for item in items.value:
        fields = _mapping(path, item, f"an {what}" if what[0] in "aeiou" else f"a {what}")
        _expect_keys(path, item, fields, {"code", "name"})
        code = _text(path, fields["code"], "code")
        names = _mapping(path, fields["name"], "'name'")
        _expect_keys(path, fields["name"], names, {"en", "zh"})
        if any(a.code == code for a in found):
            raise ConfigError(
                f"{path}, line {fields['code'].start_mark.line + 1}: duplicate {what} {code!r}"
            )
        found.append(Activity(code, _text(path, names["en"], "en"), _text(path, names["zh"], "zh")))
    return found


def load_activities(config_dir: Path) -> list[Activity]:
    """Reads config/activities.yaml: the activities time is logged against, in order."""
    return _load_coded_list(config_dir, "activities.yaml", "activities", "activity")


def load_exit_reasons(config_dir: Path) -> list[Activity]:
    """Reads config/exit_reasons.yaml: why a borrower leaves, as recorded on a visit."""
    return _load_coded_list(config_dir, "exit_reasons.yaml", "exit_reasons", "exit reason")
