"""Scorecards as JSON, CSV and terminal tables (`python -m core metrics`); the shared
helpers of every export (core.metrics.cohort_output renders the cohorts)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.exports.cells import KIND_FORMATS, PERCENT, cell_text
from core.exports.cells import (
    inert as inert,  # callers import it from here too (moved to core.exports.cells)
)
from core.exports.textable import render_table
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.period import Period
from core.metrics.scorecard import GroupScorecard, OfficerScorecard


def _plain(value: Any) -> Any:
    # JSON has one number type; money has at most 2 places, so the float prints exactly.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def officer_record(
    card: OfficerScorecard, findings: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """One officer's JSON object: identity, every figure under its key, findings."""
    return {
        "officer_code": card.staff_code,
        "name": card.name,
        "team": card.team,
        "branch": card.branch,
        **card.components.figures(),
        "cases": {k: v for k, v in sorted(card.cases.items())},
        "findings": list(findings),
    }


def group_record(
    group: GroupScorecard, findings: Sequence[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A team's, branch's or the cooperative's JSON object; a team or branch also carries
    the findings of the rules of its scope (`findings`, finding_record mappings)."""
    identity: dict[str, Any] = {}
    if group.kind == "team":
        identity = {"team": group.name, "branch": group.branch}
    elif group.kind == "branch":
        identity = {"branch": group.name}
    record = {**identity, "officers": group.officers, **group.components.figures()}
    if findings is not None:
        record["findings"] = list(findings)
    return record


def metrics_json(
    period: Period,
    params: dict[str, int],
    officers: list[dict[str, Any]],
    teams: list[dict[str, Any]],
    branches: list[dict[str, Any]],
    cooperative: dict[str, Any],
) -> str:
    """The document `python -m core metrics --format json` prints."""
    document = {
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
        },
        "parameters": params,
        "officers": officers,
        "teams": teams,
        "branches": branches,
        "cooperative": cooperative,
    }
    return json.dumps(_plain(document), ensure_ascii=False, indent=2)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


_TABLE_COLUMNS = (
    ("recovery", "recovery_rate", _percent),
    ("on time", "on_time_rate", _percent),
    ("PAR30", "par30", _percent),
    ("trained", "training_compliance", _percent),
    ("visited", "visit_coverage", _percent),
    ("follow-ups", "followups_overdue", str),
    ("active", "active_loans", str),
    ("outstanding", "outstanding_principal", lambda v: f"{v:,}"),
)


def _group_label(group: dict[str, Any]) -> list[str]:
    # Totals rows read "team <name> <branch>", "branch <name>", "all officers".
    if "team" in group:
        return ["team", group["team"] or "", group["branch"] or ""]
    if "branch" in group:
        return ["branch", group["branch"], ""]
    return ["all", "", ""]


def _group_name(group: dict[str, Any]) -> str:
    kind, name, branch = _group_label(group)
    return f"{kind} {name} ({branch})" if branch else f"{kind} {name}"


def metrics_table(
    period: Period, officers: list[dict[str, Any]], groups: list[dict[str, Any]]
) -> str:
    """A terminal table: one line per officer, then the groups' totals."""
    headers = ["officer", "name", "team", *(title for title, _, _ in _TABLE_COLUMNS)]
    rows = [
        [
            o["officer_code"],
            o["name"],
            o["team"] or "",
            *(fmt(o[key]) for _, key, fmt in _TABLE_COLUMNS),
        ]
        for o in officers
    ]
    rows += [[*_group_label(g), *(fmt(g[key]) for _, key, fmt in _TABLE_COLUMNS)] for g in groups]
    title = f"Period {period.label} ({period.start} to {period.end}), as of {period.as_of}"
    table = title + "\n\n" + render_table(headers, rows, right=list(range(3, len(headers))))
    goals = [
        f"  {_group_name(g)}: {f['status']}: {f['message_en']}"
        for g in groups
        for f in g.get("findings", ())
    ]
    return table + ("\n\nTeam and branch goals:\n" + "\n".join(goals) if goals else "")


def metrics_csv(officers: list[dict[str, Any]], activities: Sequence[str]) -> str:
    """One row per officer, every figure a column (time shares as time_share.<activity>),
    for a spreadsheet: figures as people read them (rates "98.2%", which a spreadsheet
    reads as the number 0.982; money and hours with two decimals; counts whole), text
    inert. The JSON carries the exact values."""
    skip = {"cases", "findings", "time_share"}
    keys = [k for k in officers[0] if k not in skip] if officers else []
    formats = [KIND_FORMATS[FIGURES_BY_KEY[k].kind] if k in FIGURES_BY_KEY else None for k in keys]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*keys, *(f"time_share.{a}" for a in activities), "findings_breached"])
    for o in officers:
        cells = [cell_text(o[k], kind) for k, kind in zip(keys, formats, strict=True)]
        shares = [cell_text(o["time_share"].get(a), PERCENT) for a in activities]
        breached = ";".join(f["rule_id"] for f in o["findings"] if f["status"] == "breached")
        writer.writerow([*cells, *shares, breached])
    return "\ufeff" + out.getvalue()
