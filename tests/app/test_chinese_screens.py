"""No English on a Chinese screen: every page of every role, opened in Chinese on a small
cooperative with a review, a 1:1, action items and audit entries, shows no English word
in any visible text (titles, Markdown, captions, alerts, widget labels, help and options,
metrics, table headers and cells, expander and tab labels, chart titles and legends).

What may legitimately be Latin is taken out first: codes and numbers (OF1, L1, PAR30,
2025Q2, loans.csv, time_share.travel), the fixture's usernames, and the few names the
Chinese catalog itself uses (CSV, Excel, PDF, Markdown, YAML, Fieldbook, ...). The walk
is generic, so a page or a text added later is checked without changing this file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from google.protobuf.message import Message  # type: ignore[import-untyped]
from sqlalchemy import Engine
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, Element

from core.auth.scope import Scope
from core.auth.sessions import SessionUser
from core.auth.users import add_user
from core.db.audit import record
from core.db.engine import make_engine, write_transaction
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.period import parse_period
from core.paths import CONFIG_DIR, PROJECT_ROOT
from core.reviews.actions import add_action
from core.reviews.coaching import SessionForm, save_session
from core.reviews.evidence import build_evidence
from core.reviews.records import Goal
from core.reviews.template import load_review_template
from core.reviews.workflow import save_body, save_comment, save_goals, submit
from core.rules import load_default_rules
from tests.app.conftest import STAFF, app_database, import_tables
from tests.builders import base_portfolio

TODAY = dt.date(2025, 7, 5)
NOW = dt.datetime(2025, 7, 5, 9, 0, tzinfo=dt.UTC)
Q2 = "2025Q2"
RULES = load_default_rules()
TEMPLATE = load_review_template(CONFIG_DIR / "review_template.yaml", RULES)
SECTIONS = [section.key for section in TEMPLATE.sections]
TEAM = Scope("team", branch="城关支行", team="城关一组")
OF1 = Scope("officer", staff_code="OF1")
NAMES = {"officer": "张伟", "team_leader": "李强", "trainer": "王芳", "admin": "周敏"}
USERNAMES = tuple(NAMES)
# Pages that show more with a subject picked in the address (page → query parameters).
SUBJECTS: dict[str, list[dict[str, str]]] = {
    "pages/borrower.py": [{"code": "B1"}],
    "pages/team_reviews.py": [{}, {"officer": "OF1", "period": Q2}],
}

# Latin text that is not English: the names the Chinese catalog itself uses for formats,
# programs and units, a literal button name of Streamlit's English uploader, and the
# language picker's "English".
ALLOWED_WORDS = frozenset(
    {"CSV", "Excel", "PDF", "Markdown", "YAML", "Fieldbook", "README", "PostgreSQL"}
    | {"SQLite", "git", "MB", "KB", "English", "Upload", "Backups", *USERNAMES}
)
# Codes, numbers, keys and addresses: a Latin run holding a digit, _ / \ ? = or & (OF1,
# L-0001, PAR30, 2025Q2, team\_leader, time_share.travel, borrower?code=B1), and file
# names and extensions (loans.csv, .xlsx). A dotted run of plain words ("backup.make") is
# English, not a code.
CODE = re.compile(
    r"[A-Za-z0-9_.\\/:@?=&\-]*[0-9_\\/?=&][A-Za-z0-9_.\\/:@?=&\-]*"
    r"|[\w\-]*\.(?:csv|xlsx|yaml|yml|db|md|pdf)\b"
)
# Markdown's own syntax: colours and badges (:red[...], :orange-badge[...]), icons, HTML
# tags, entities and style sheets, and `code spans` (commands, shown as typed).
MARKUP = re.compile(
    r"(?s:<style>.*?</style>)|:[a-z]+(?:-[a-z]+)?\[|:material/[a-z_]+:|<[^>]+>|&[a-z]+;|`[^`]*`"
)
WORD = re.compile(r"[A-Za-z]{2,}")
# The Configuration page shows the files' own codes (rule ids, figure keys, section keys)
# beside their Chinese names: the admin edits the YAML by those codes. Elsewhere a code of
# the configuration shown raw is a missing translation, and fails.
CONFIG_CODES = frozenset(
    {rule.id for rule in RULES.rules}
    | set(FIGURES_BY_KEY)
    | {section.key for section in TEMPLATE.sections}
    | {rule.figure.split(".")[-1] for rule in RULES.rules}  # time_share.<activity>
)
PAGE_CODES = {"pages/admin_config.py": CONFIG_CODES}


def english_words(text: str, codes: frozenset[str] = frozenset()) -> list[str]:
    """The English words in a visible text ([] when it has none); `codes` are words the
    page may show as codes."""
    text = MARKUP.sub(" ", text)
    text = CODE.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS and w not in codes]


# --- what a page shows ----------------------------------------------------------------

# Proto fields that hold text a person reads (ids, keys, formats and data are left out).
TEXT_FIELDS = frozenset({"label", "help", "placeholder", "body", "options", "text", "message"})


def _proto_texts(proto: Message) -> Iterator[str]:
    for descriptor, value in proto.ListFields():
        if descriptor.name not in TEXT_FIELDS:
            continue
        if isinstance(value, str):
            yield value
        elif not isinstance(value, Message | bytes):  # a repeated field: options
            yield from (v for v in value if isinstance(v, str))


def _frame_texts(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    for column in frame.columns:
        yield from (v for v in frame[column].tolist() if isinstance(v, str))


def _chart_texts(proto: Any) -> Iterator[str]:
    """Titles (of the chart, its axes and legends) and the values of nominal fields,
    which show as legend entries, axis labels and text marks."""
    spec = json.loads(proto.spec)
    fields: set[str] = set()

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    yield value
                elif key == "title" and isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
                elif key == "text" and isinstance(value, str):  # a title object's text
                    yield value
                else:
                    yield from walk(value)
            if node.get("type") in ("nominal", "ordinal") and isinstance(node.get("field"), str):
                fields.add(node["field"])
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(spec)
    for dataset in proto.datasets:
        frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
        for field in fields & set(frame.columns):
            yield from (v for v in frame[field].tolist() if isinstance(v, str))


def visible_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(kind of element, text) of everything the page shows, the sidebar included."""

    def walk(node: Block | Element) -> Iterator[tuple[str, str]]:
        if isinstance(node, Block):
            label = getattr(node, "label", None)
            if isinstance(label, str):
                yield node.type, label
            for child in node.children.values():
                yield from walk(child)
            return
        kind = node.type
        if kind == "code":
            return  # file contents and commands, shown as written
        if kind == "html" and node.proto.body.lstrip().startswith(("<script", "<style")):
            return  # app/phone.py's constant style and script: nothing shown
        if isinstance(node, Dataframe):
            yield from ((kind, text) for text in _frame_texts(node.value))
            columns = json.loads(node.proto.columns or "{}")
            for config in columns.values():
                yield from ((kind, config[k]) for k in ("label", "help") if config.get(k))
            return
        if kind in ("vega_lite_chart", "arrow_vega_lite_chart"):
            yield from ((kind, text) for text in _chart_texts(node.proto))
            return
        yield from ((kind, text) for text in _proto_texts(node.proto))

    yield from walk(at._tree)


def english_on(at: AppTest, page: str) -> list[tuple[str, str, list[str]]]:
    """(kind, text, its English words) of every visible text of `page` that has any."""
    found = []
    for kind, text in visible_texts(at):
        words = english_words(text, PAGE_CODES.get(page, frozenset()))
        if words:
            found.append((kind, text, words))
    return found


# --- a cooperative with something on every page ---------------------------------------


def _fill(engine: Engine, folder: Path) -> None:
    import_tables(base_portfolio())(engine, folder)
    with write_transaction(engine) as conn:
        for username, name in NAMES.items():
            add_user(conn, username, name, username, STAFF[username], "a long password 1",
                     actor="cli", now=NOW)  # fmt: skip
        record(
            conn,
            actor="admin",
            action="backup.make",
            entity="database",
            entity_key="fieldbook-20250705-090000.db",
            before=None,
            after={"bytes": 1024},
            at=NOW,
        )
        record(  # the backup page then says what a restore did
            conn,
            actor="cli",
            action="backup.restore",
            entity="database",
            entity_key="fieldbook-20250705-090000.db",
            before=None,
            after={"revision": "0011", "sessions_ended": 2},
            at=NOW,
        )


@pytest.fixture
def cooperative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The base portfolio with an account per role (Chinese names), OF1's 2025Q2 review
    submitted and commented, a 1:1 and two action items (one overdue), a backup and a
    restore audited."""
    url = app_database(tmp_path, monkeypatch, _fill)
    engine = make_engine(database_url=url)
    for key in SECTIONS:
        if not TEMPLATE.section(key).plan:
            save_body(
                engine, "officer", OF1, Q2, key, "本季度回收率下降，已加强回访。", 0, TEMPLATE, NOW
            )
    save_goals(engine, "officer", OF1, Q2, [Goal("par30", Decimal("0.05"), "每周回访")], 0, NOW)
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", Q2, parse_period(Q2), RULES)
    assert evidence is not None
    submit(engine, "officer", OF1, Q2, evidence, 1, TEMPLATE, NOW)
    for key in SECTIONS[:2]:
        save_comment(engine, "team_leader", TEAM, "OF1", Q2, key, "很好", "3", 0, TEMPLATE, NOW)
    form = SessionForm(
        dt.date(2025, 7, 1), agenda="回收率", shared_notes="每周回访",
        private_notes="私下记录", field_notes="李家庄走访",
    )  # fmt: skip
    save_session(engine, "team_leader", TEAM, "OF1", None, form, None, NOW)
    add_action(engine, "team_leader", TEAM, "OF1", "回访逾期户", "officer", dt.date(2025, 7, 3),
               None, dt.date(2025, 6, 30))  # fmt: skip
    add_action(engine, "team_leader", TEAM, "OF1", "准备培训", "leader", dt.date(2025, 7, 20),
               None, TODAY)  # fmt: skip
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def early_july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def log_in(monkeypatch: pytest.MonkeyPatch, role: str | None, must_change: bool = False) -> None:
    """The app sees `role`'s account logged in (None: nobody)."""
    user = None if role is None else SessionUser(
        session_id=1, user_id=1, username=role, display_name=NAMES[role], role=role,
        staff_code=STAFF[role], language="zh", must_change_password=must_change,
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    monkeypatch.setattr("app.auth.session.current_user", lambda: user)


def pages_of(role: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page the role's navigation registers, as a path from the project folder."""
    log_in(monkeypatch, role)
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["language"] = "zh"
    at.run()
    return sorted(
        str(Path(str(info["script_path"])).resolve().relative_to(PROJECT_ROOT))
        for info in at._registered_pages.values()
        if info.get("script_path")
    )


def open_in_chinese(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["language"] = "zh"
    at.run()  # the navigation registers the role's pages
    at.query_params.update(query)
    at = at.switch_page(page).run()
    assert not at.exception, (page, at.exception)
    return at


@pytest.mark.parametrize("role", ["officer", "team_leader", "trainer", "admin"])
def test_no_english_on_any_chinese_page(
    cooperative: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = pages_of(role, monkeypatch)
    assert len(pages) >= 3
    found = []
    for page in pages:
        for query in SUBJECTS.get(page, [{}]):
            at = open_in_chinese(page, query)
            assert len(list(visible_texts(at))) > 2, page  # the walk sees the page
            found += [
                f"{page} {query or ''} {kind}: {text!r} {words}"
                for kind, text, words in english_on(at, page)
            ]
    assert not found, "English on Chinese screens:\n" + "\n".join(found)


@pytest.mark.parametrize(("role", "must_change"), [(None, False), ("officer", True)])
def test_no_english_on_the_login_and_first_password_pages(
    cooperative: str, role: str | None, must_change: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(monkeypatch, role, must_change)
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["language"] = "zh"
    at.run()
    assert not at.exception
    assert len(list(visible_texts(at))) > 2
    assert english_on(at, "") == []


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("回收率 97.5%，PAR30 为 2.0%（OF1，2025Q2）", []),
        ("下载 CSV · 下载 Excel · loans.csv、repayments.csv", []),
        (":red[**逾期 3 天**] · :material/upload: 上传", []),
        ("team\\_leader 于 2025年7月5日 17:00 签批", []),
        ("备份数据库 · fieldbook-20250705-090000.db · 一对一面谈 1:1", []),
        ("backup.make", ["backup", "make"]),
        ("备份数据库 · fieldbook-20250705-090000.db · 一对一面谈 1:1", []),
        ("backup.make", ["backup", "make"]),
        ("Save the review", ["Save", "the", "review"]),
        ("保存 draft", ["draft"]),
        ("状态：open", ["open"]),
    ],
)
def test_the_check_tells_codes_from_english(text: str, english: list[str]) -> None:
    assert english_words(text) == english
