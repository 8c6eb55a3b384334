"""Loads and validates the YAML files under config/.

YAML is read with `yaml.safe_load`-equivalent node composition only: nothing in a config
file is ever evaluated as code. Errors name the file, the line and the key.
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


def _compose(path: Path) -> yaml.Node:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({exc})") from exc
    if node is None:
        raise ConfigError(f"{path}, line 1: the file is empty")
    return node


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
