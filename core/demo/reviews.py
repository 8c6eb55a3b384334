"""Quarterly reviews in the demo, so the review and coaching screens have something to show:
for each officer of the demo leader's team, last quarter's review written and submitted
through the real workflow; the demo officer's is also commented, rated and signed off by
the demo leader, with goals that this quarter's review then judges, followed by a 1:1 and
its action items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, select

from core.admin.active_config import active_rules_and_template
from core.auth.scope import Scope
from core.db.models import Staff, User
from core.reviews.actions import add_action
from core.reviews.coaching import SessionForm, save_session
from core.reviews.cycle import current_cycle, cycle_of, previous_label
from core.reviews.evidence import build_evidence
from core.reviews.goals import Goal
from core.reviews.records import load_review
from core.reviews.template import ReviewTemplate
from core.reviews.workflow import save_body, save_comment, save_goals, sign_off, submit
from core.rules import RuleSet
from core.settings import load_settings

# What a demo officer writes, per section key (sections the template lacks are skipped).
TEXTS = {
    "judging": "本季度有两笔贷款出现逾期，都是贷前没有核实养殖规模。今后调查时要到圈舍实地看。",
    "customers": "新发展了一个五人小组，首贷前都完成了五天培训。一位老客户因为别处利率低离开了。",
    "time": "催收占用的时间偏多，回访时间不够。下季度每周固定两天做回访。",
    "service": (
        "逾期户里有一户确实无力还款（家人生病），已帮他调整还款计划；"
        "另一户有钱不还，请小组长一起上门。"
    ),
    "growth": "学习了农业保险的基本知识，参加了支行的信贷案例讨论。",
    "shortcomings": "账务登记有时拖到周末才做，跟进记录不及时。",
    "plan": "下季度重点提高回访覆盖率，并把逾期跟进做在七天以内。",
}
COMMENT = "分析具体，原因找得准。下季度请把回访计划写进每周安排。"


def _team_officers(engine: Engine, leader_code: str) -> list[str]:
    with engine.connect() as conn:
        leader = conn.execute(
            select(Staff.branch, Staff.team).where(Staff.staff_code == leader_code)
        ).one()
        rows = conn.execute(
            select(Staff.staff_code)
            .where(
                Staff.role == "officer", Staff.branch == leader.branch, Staff.team == leader.team
            )
            .order_by(Staff.staff_code)
        )
        return [code for (code,) in rows]


def create_demo_reviews(
    engine: Engine,
    officer_code: str,
    leader_code: str,
    leader_username: str,
    today: dt.date,
    rules: RuleSet,
    template: ReviewTemplate,
) -> int:
    """Writes last quarter's reviews of the team (idempotent: a review that exists is left
    as it is); returns how many were written."""
    # The quarter before the one to write now: done and dusted, as last quarter's review.
    label = previous_label(current_cycle(today, template.due_days).period)
    cycle = cycle_of(label, template.due_days)
    period = cycle.evidence_period(today)
    with engine.connect() as conn:
        leader = conn.execute(
            select(Staff.branch, Staff.team).where(Staff.staff_code == leader_code)
        ).one()
    team = Scope("team", branch=leader.branch, team=leader.team)
    submitted_at = dt.datetime.combine(cycle.end + dt.timedelta(days=5), dt.time(9), dt.UTC)
    written = 0
    for code in _team_officers(engine, leader_code):
        me = Scope("officer", staff_code=code)
        with engine.connect() as conn:
            existing = load_review(conn, me, code, label)
            evidence = build_evidence(conn, code, label, period, rules)
        if existing is None or existing.id is not None or evidence is None:
            continue
        for section in template.sections:
            text = TEXTS.get(section.key, TEXTS["shortcomings"])
            save_body(engine, "demo", me, label, section.key, text, 0, template, submitted_at)
        goals = [
            Goal("visit_coverage", Decimal("0.9"), "每周二、周四固定回访"),
            Goal("followups_overdue", Decimal("0"), ""),
        ]
        save_goals(engine, "demo", me, label, goals, 0, submitted_at)
        submit(engine, "demo", me, label, evidence, 1, template, submitted_at)
        written += 1
        if code != officer_code:
            continue  # the others wait in the leader's queue
        signed_at = submitted_at + dt.timedelta(days=3)
        for section in template.sections:
            rating = template.ratings[len(template.ratings) // 2].code
            save_comment(
                engine, leader_username, team, code, label, section.key, COMMENT, rating, 0,
                template, signed_at,
            )  # fmt: skip
        sign_off(engine, leader_username, team, code, label, 2, template, signed_at)
        _coaching(engine, leader_username, team, code, signed_at)
    return written


def _coaching(
    engine: Engine, leader: str, team: Scope, officer_code: str, when: dt.datetime
) -> None:
    """A 1:1 after the sign-off with two action items due two and four weeks later (by the
    demo's last day usually overdue, so the home pages' reminders have something to say)."""
    held_on = when.date()
    form = SessionForm(
        held_on=held_on,
        agenda="1. 季度总结的点评\n2. 回访覆盖率未达标\n3. 下季度目标",
        shared_notes="总结写得具体。下季度把回访排进每周计划，逾期七天内必须上门。",
        private_notes="进步明显，可以考虑让他带新同事。",
        field_notes="一起走访了两户养猪户，圈舍规模与贷前调查一致。",
    )
    session = save_session(engine, leader, team, officer_code, None, form, None, when)
    for text, owner, days in (
        ("把回访计划写进每周工作安排", "officer", 14),
        ("联系农技站安排一次养殖培训", "leader", 30),
    ):
        add_action(
            engine, leader, team, officer_code, text, owner, held_on + dt.timedelta(days=days),
            session.id, held_on, now=when,
        )  # fmt: skip


def demo_reviews(engine: Engine, today: dt.date) -> str:
    """create_demo_reviews for the demo accounts `officer` and `leader`, with the rules and
    template in force (core.admin.active_config); returns the line the demo command prints."""
    with engine.connect() as conn:
        staff = {
            username: code
            for username, code in conn.execute(
                select(User.username, Staff.staff_code).join(Staff, Staff.id == User.staff_id)
            )
        }
    rules, template = active_rules_and_template(engine, load_settings().config_dir)
    written = create_demo_reviews(
        engine, staff["officer"], staff["leader"], "leader", today, rules, template
    )
    return f"Demo reviews of last quarter written: {written} (the demo officer's signed off)."
