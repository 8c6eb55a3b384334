"""Reading composed YAML nodes with errors that name the file, the line and the key.

Only yaml.compose (SafeLoader) is used: nodes are inspected, never constructed into
Python objects by a loader, so no tag in a config file can run code. Scalars are typed by
the tag YAML resolved for them: YAML 1.1 reads yes/no/on/off as booleans, and a config
that writes `warn: yes` must be told so instead of having it taken as 1.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

import yaml

from core.config.lists import ConfigError

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, SEQ, MAP = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
)


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def describe(node: yaml.Node) -> str:
    """What a node holds, in the words of an error message: "a list", "text ('high')"."""
    if node.tag not in (STR, INT, FLOAT, BOOL, NULL, SEQ, MAP):
        # Explicit tags (!!python/..., !!timestamp, !custom) have no place in a config file.
        return f"a value tagged {str(node.tag).replace(_TAG, '!!')}"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = str(node.value)
    if node.tag == BOOL:
        return f"a yes/no value ({value})"
    if node.tag == NULL:
        return "nothing"
    if node.tag in (INT, FLOAT):
        return f"a number ({value})"
    return f"text ({value!r})"


class Reader:
    """Reads the nodes of one file; every error names that file, the line and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node, key: str, problem: str) -> NoReturn:
        """Raises ConfigError "<file>, line <n>, key '<key>': <problem>"."""
        raise ConfigError(f"{self.path}, line {line_of(node)}, key {key!r}: {problem}")

    def mapping(
        self,
        node: yaml.Node,
        key: str,
        required: Collection[str],
        optional: Collection[str] = (),
    ) -> dict[str, yaml.Node]:
        """The value nodes of a mapping by key; refuses duplicate, unknown and missing keys.

        key is the dotted path of the mapping itself ("" for the whole file); the keys
        inside are reported as key.inner.
        """
        if not isinstance(node, yaml.MappingNode) or node.tag != MAP:
            self.fail(node, key or "(the file)", f"must be a mapping, not {describe(node)}")
        allowed = (*required, *optional)
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            inner = f"{key}.{name}" if key else name
            if name in result:
                self.fail(key_node, inner, "duplicate key")
            if name not in allowed:
                self.fail(key_node, inner, f"unknown key (expected {', '.join(allowed)})")
            result[name] = value_node
        for name in required:
            if name not in result:
                self.fail(node, f"{key}.{name}" if key else name, "missing key")
        return result

    def sequence(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        """The item nodes of a list."""
        if not isinstance(node, yaml.SequenceNode) or node.tag != SEQ:
            self.fail(node, key, f"must be a list, not {describe(node)}")
        return list(node.value)

    def text(self, node: yaml.Node, key: str) -> str:
        """A non-empty text. Plain numbers are taken as their text; yes/no are refused."""
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (STR, INT, FLOAT):
            hint = "; quote it if you mean the text" if node.tag == BOOL else ""
            self.fail(node, key, f"must be text, not {describe(node)}{hint}")
        value = str(node.value).strip()
        if not value:
            self.fail(node, key, "must not be empty")
        return value

    def choice(self, node: yaml.Node, key: str, choices: Collection[str]) -> str:
        """A text that is one of choices."""
        value = self.text(node, key)
        if value not in choices:
            self.fail(node, key, f"unknown value {value!r} (expected {' | '.join(choices)})")
        return value

    def number(self, node: yaml.Node, key: str, hint: str = "") -> Decimal:
        """A finite, non-negative number, read exactly from its text (never via float)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (INT, FLOAT):
            self.fail(node, key, f"must be a number, not {describe(node)}{hint}")
        if node.tag == INT:
            # SafeConstructor knows YAML 1.1's integer spellings (0x1f, 0o17, 1_000).
            number = Decimal(_CONSTRUCTOR.construct_yaml_int(node))
        else:
            try:
                number = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation:
                number = Decimal("NaN")
            # .inf, .nan and 1:30.5 (sexagesimal) are YAML floats but no sensible band.
            if not number.is_finite():
                self.fail(node, key, f"must be a plain number, not {node.value!r}")
        if number < 0:
            self.fail(node, key, f"must not be negative ({number})")
        return number

    def whole_number(self, node: yaml.Node, key: str) -> int:
        """A non-negative integer written as one (5, not 5.0 or yes)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
            self.fail(node, key, f"must be a non-negative whole number, not {describe(node)}")
        return int(self.number(node, key))


# Only its integer-reading method is used, on nodes already known to be plain ints.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
