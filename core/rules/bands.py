"""Reads a rule's bands (target, warn, fail) and refuses an impossible order.

better: higher   target >= warn >= fail
better: lower    target <= warn <= fail
better: range    [low, high] pairs, fail contains warn, warn contains target
"""

from __future__ import annotations

from decimal import Decimal

import yaml

from core.rules.nodes import Reader, describe
from core.rules.schema import HIGHER, RANGE, Level, Pair

_NAMES = ("target", "warn", "fail")
_RATIO_HINT = "; ratios are fractions: write 0.95 for 95%"


def read_bands(
    reader: Reader, node: yaml.Node, better: str, kind: str
) -> tuple[Level, Level, Level]:
    """(target, warn, fail) of a rule: Decimals, or (low, high) pairs for better: range."""
    fields = reader.mapping(node, "bands", _NAMES)
    if better == RANGE:
        pairs = [_pair(reader, fields[name], f"bands.{name}", kind) for name in _NAMES]
        _check_nested(reader, fields, pairs)
        return pairs[0], pairs[1], pairs[2]
    bounds = [_bound(reader, fields[name], f"bands.{name}", better, kind) for name in _NAMES]
    _check_order(reader, fields, bounds, better)
    return bounds[0], bounds[1], bounds[2]


def _bound(reader: Reader, node: yaml.Node, key: str, better: str, kind: str) -> Decimal:
    if isinstance(node, yaml.SequenceNode):
        reader.fail(
            node, key, f"must be a single number for better: {better} ([low, high] is for range)"
        )
    return _number(reader, node, key, kind)


def _pair(reader: Reader, node: yaml.Node, key: str, kind: str) -> Pair:
    wanted = "must be a [low, high] pair for better: range"
    if not isinstance(node, yaml.SequenceNode):
        reader.fail(node, key, f"{wanted}, not {describe(node)}")
    items = reader.sequence(node, key)  # also refuses a tagged list
    if len(items) != 2:
        reader.fail(node, key, f"{wanted}, not a list of {len(items)}")
    low, high = (_number(reader, item, key, kind) for item in items)
    if low > high:
        reader.fail(node, key, f"low ({low}) must not be above high ({high})")
    return low, high


def _number(reader: Reader, node: yaml.Node, key: str, kind: str) -> Decimal:
    percent = kind == "ratio" and "%" in str(node.value)
    number = reader.number(node, key, _RATIO_HINT if percent else "")
    # 95 for 95% is the likeliest mistake in this file; a ratio above 1 can only be that.
    if kind == "ratio" and number > 1:
        reader.fail(
            node, key, f"{number} is above 1: ratios are fractions (write 0.95 for 95%, 1 for 100%)"
        )
    return number


def _check_order(
    reader: Reader, fields: dict[str, yaml.Node], bounds: list[Decimal], better: str
) -> None:
    target, warn, fail = bounds
    wrong_side = "above" if better == HIGHER else "below"
    for name, value, limit_name, limit in (
        ("warn", warn, "target", target),
        ("fail", fail, "warn", warn),
    ):
        out_of_order = value > limit if better == HIGHER else value < limit
        if out_of_order:
            reader.fail(
                fields[name],
                f"bands.{name}",
                f"{name} ({value}) must not be {wrong_side} {limit_name} ({limit})"
                f" for better: {better}",
            )


def _check_nested(reader: Reader, fields: dict[str, yaml.Node], pairs: list[Pair]) -> None:
    target, warn, fail = pairs
    for name, outer, inner_name, inner in (
        ("warn", warn, "target", target),
        ("fail", fail, "warn", warn),
    ):
        if outer[0] > inner[0] or inner[1] > outer[1]:
            reader.fail(
                fields[name],
                f"bands.{name}",
                f"{name} {_show(outer)} must contain {inner_name} {_show(inner)} for better: range",
            )


def _show(pair: Pair) -> str:
    return f"[{pair[0]}, {pair[1]}]"
