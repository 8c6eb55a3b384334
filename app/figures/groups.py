"""Team and branch goals (rules of scope team or branch in config/rules.yaml) as a table
in the reader's language: which team or branch, the goal, its value, the status with the
band that decided it, and the goal line. Shown on the team overview and the admin home."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from app.display import band_text, goal_words, name_of, status_word, value_text
from app.i18n import t
from core.rules import NO_DATA, RuleSet
from core.rules.findings import GroupFindings


def group_label(group: GroupFindings) -> str:
    """ "Team 城关一组 (城关支行)" or "Branch 城关支行", in the reader's language."""
    if group.kind == "team":
        return t("groups.team", name=group.name, branch=group.branch)
    return t("groups.branch", name=group.name)


def groups_frame(groups: Sequence[GroupFindings], rules: RuleSet) -> pd.DataFrame:
    """One row per finding of every group, in the groups' order, worst first within one."""
    columns = [
        t("groups.col.where"),
        t("groups.col.goal"),
        t("groups.col.value"),
        t("groups.col.status"),
        t("groups.col.target"),
    ]
    rows = []
    for group in groups:
        for finding in group.findings:
            rule = rules.by_id(finding.rule_id)
            value = None if finding.value is None else Decimal(finding.value)
            status = status_word(finding.status)
            band = "" if finding.status == NO_DATA else band_text(rule, finding.status, value)
            rows.append(
                [
                    group_label(group),
                    name_of(rule),
                    value_text(rule.figure, value),
                    t("groups.status_band", status=status, band=band) if band else status,
                    goal_words(rule),
                ]
            )
    return pd.DataFrame(rows, columns=columns)


def render_group_findings(groups: Sequence[GroupFindings], rules: RuleSet) -> None:
    """The heading and the table, or nothing when no team or branch rule is configured."""
    if not any(group.findings for group in groups):
        return
    st.subheader(t("groups.title"))
    st.caption(t("groups.caption"))
    st.dataframe(groups_frame(groups, rules), hide_index=True, width="stretch")
