"""Every action and record kind the code can write to the audit trail has a name in both
languages, so the audit page never shows a bare code such as "backup.make".

The codes are read out of core's source: the `action` and `entity` arguments of every
call to `record` / `record_change`. A code passed through a variable is followed to the
literals assigned to it in the same function, or passed for that parameter by the
function's callers; an f-string ("import.{status}") is completed the same way.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

from app.i18n import load_catalog
from core.paths import PROJECT_ROOT

# (function name, index of `action` among its positional parameters, of `entity`)
WRITERS = {"record": (2, 3), "record_change": (2, None)}


@functools.cache
def _sources() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in (PROJECT_ROOT / "core").rglob("*.py")
        if "migrations" not in path.parts
    }


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _argument(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None and index < len(call.args):
        return call.args[index]
    return None


def _functions(trees: dict[Path, ast.Module]) -> Iterator[ast.FunctionDef]:
    for tree in trees.values():
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


_OWNERS: dict[int, ast.FunctionDef | None] = {}


def _enclosing(trees: dict[Path, ast.Module], node: ast.AST) -> ast.FunctionDef | None:
    """The innermost function holding `node` (every node's owner is found once)."""

    def visit(at: ast.AST, owner: ast.FunctionDef | None) -> None:
        owner = at if isinstance(at, ast.FunctionDef) else owner
        _OWNERS[id(at)] = owner
        for child in ast.iter_child_nodes(at):
            visit(child, owner)

    if not _OWNERS:
        for tree in trees.values():
            visit(tree, None)
    return _OWNERS.get(id(node))


def _values(
    trees: dict[Path, ast.Module], expr: ast.expr, where: ast.FunctionDef | None
) -> set[str]:
    """Every text `expr` can hold."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _values(trees, expr.body, where) | _values(trees, expr.orelse, where)
    if isinstance(expr, ast.BoolOp):  # actor or "import"
        return set().union(*(_values(trees, v, where) for v in expr.values))
    if isinstance(expr, ast.JoinedStr):
        texts = {""}
        for part in expr.values:
            if isinstance(part, ast.FormattedValue):
                found = _values(trees, part.value, where)
            else:
                found = _values(trees, part, where)
            texts = {t + f for t in texts for f in found}
        return texts
    if isinstance(expr, ast.Name) and where is not None:
        return _variable(trees, expr.id, where)
    raise AssertionError(f"cannot follow {ast.dump(expr)} in {where.name if where else '?'}")


def _variable(trees: dict[Path, ast.Module], name: str, where: ast.FunctionDef) -> set[str]:
    positional = [a.arg for a in where.args.args]
    if name in positional or name in [a.arg for a in where.args.kwonlyargs]:
        # A parameter: what the function's callers pass for it.
        index = positional.index(name) if name in positional else None
        found: set[str] = set()
        for tree in trees.values():
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                arg = _argument(call, index, name) if _name(call) == where.name else None
                if arg is not None:
                    found |= _values(trees, arg, _enclosing(trees, call))
        return found
    assigned: set[str] = set()  # a local: every text assigned to it
    for node in ast.walk(where):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                assigned |= _values(trees, node.value, where)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for item, value in zip(target.elts, node.value.elts, strict=True):
                    if isinstance(item, ast.Name) and item.id == name:
                        assigned |= _values(trees, value, where)
    assert assigned, f"{name} in {where.name} is never given a text"
    return assigned


def written_codes() -> tuple[set[str], set[str]]:
    """(actions, entities) the code can write."""
    trees = _sources()
    actions: set[str] = set()
    entities: set[str] = set()
    for tree in trees.values():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if _name(call) not in WRITERS:
                continue
            action_at, entity_at = WRITERS[_name(call)]
            where = _enclosing(trees, call)
            action = _argument(call, action_at, "action")
            if action is not None:
                actions |= _values(trees, action, where)
            entity = _argument(call, entity_at, "entity")
            if entity is not None and entity_at is not None:
                entities |= _values(trees, entity, where)
    return actions, entities


def test_the_scan_finds_the_codes_written_through_variables() -> None:
    actions, entities = written_codes()
    # Literal, conditional, variables (one set in a tuple), a parameter, an f-string and
    # a helper's parameter.
    assert {"backup.make", "time.delete", "time.set", "coaching.edit", "coaching.add"} <= actions
    assert "config.restore" in actions
    assert {"import.imported", "import.refused", "user.disable", "user.login"} <= actions
    assert {"user", "session", "database", "import", "config", "visit"} <= entities


def test_every_action_and_record_kind_has_a_name_in_both_languages() -> None:
    actions, entities = written_codes()
    wanted = {f"audit.name.{a}" for a in actions} | {f"audit.entity.{e}" for e in entities}
    for language in ("en", "zh"):
        assert sorted(wanted - set(load_catalog(language))) == [], language


# Codes earlier versions wrote: their entries stay in the audit trail of a database that
# was upgraded, so their names stay too (the login throttle replaced the account lockout).
WRITTEN_BEFORE = {"audit.name.user.lock"}


def test_no_name_is_left_for_a_code_nothing_writes() -> None:
    actions, entities = written_codes()
    named = {k for k in load_catalog("en") if k.startswith(("audit.name.", "audit.entity."))}
    wanted = {f"audit.name.{a}" for a in actions} | {f"audit.entity.{e}" for e in entities}
    assert sorted(named - wanted - WRITTEN_BEFORE) == []
    assert not WRITTEN_BEFORE & wanted  # a code written again leaves this list
