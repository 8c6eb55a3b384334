"""Refusals of account changes carry a code the Users page words from its catalogues, so
no screen reads core's English back by pattern (as it once did)."""

from __future__ import annotations

import ast

import yaml

from core.auth.passwords import _RULES as PASSWORD_RULES
from core.paths import CONFIG_DIR, PROJECT_ROOT

USERS = PROJECT_ROOT / "core" / "auth" / "users.py"


def _user_error_codes() -> dict[str, str]:
    """Each code a UserError of core/auth/users.py is raised with, and its field."""
    codes: dict[str, str] = {}
    for node in ast.walk(ast.parse(USERS.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "UserError":
            field, code = (node.args[1:3] + [None, None])[:2]
            if isinstance(code, ast.Constant):
                assert isinstance(field, ast.Constant)
                codes[str(code.value)] = str(field.value)
            elif isinstance(code, ast.JoinedStr):
                codes["bad_role"] = "role"  # f"bad_{what}": the role is the choice a form has
    return codes


def test_every_refusal_of_a_form_field_has_a_code() -> None:
    codes = _user_error_codes()
    assert set(codes) >= {"taken", "no_staff", "wrong_role", "linked", "self_demote"}
    assert codes["taken"] == "username" and codes["linked"] == "staff"


def test_every_code_is_worded_in_both_languages() -> None:
    for language in ("en", "zh"):
        path = CONFIG_DIR / "i18n" / language / "admin_users.yaml"
        catalog = yaml.safe_load(path.read_text(encoding="utf-8"))
        for code in [*_user_error_codes(), *PASSWORD_RULES]:
            assert f"admin_users.error.{code}" in catalog, (language, code)
