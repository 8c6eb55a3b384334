"""The registry of figures: every key a screen, rule or export may name, declared once.

kind: ratio (a fraction 0..1, None when the denominator is 0), count, money (Decimal
yuan), hours (Decimal). better: which direction is good, for rules and colours.
cases: what the cases behind a figure are (loan or borrower codes), if any.

HEADLINE_FIGURES is the one list of the figures every summary leads with; each summary
(the tiles of "My quarter", the team overview's bullet charts, `python -m core metrics`)
adds the few figures it is about, declared below it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    """One figure of docs/metrics.md."""

    key: str
    kind: str
    better: str  # "higher", "lower", "none"
    cases: str | None
    name_en: str
    name_zh: str
    # Its column title in the terminal table of `python -m core metrics` (TABLE_FIGURES):
    # short English, so the table fits a terminal; the key when empty.
    column_en: str = ""


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        "active_loans", "count", "none", None, "Active loans", "在贷笔数", column_en="active"
    ),
    FigureSpec(
        "active_borrowers",
        "count",
        "none",
        None,
        "Active borrowers (caseload)",
        "在贷借款人（管户数）",
    ),
    FigureSpec(
        "outstanding_principal",
        "money",
        "none",
        None,
        "Outstanding principal",
        "未偿本金",
        column_en="outstanding",
    ),
    FigureSpec("par1", "ratio", "lower", "loan", "PAR 1", "风险贷款率（逾期1天以上）"),
    FigureSpec(
        "par30", "ratio", "lower", "loan", "PAR 30", "风险贷款率（逾期30天以上）", column_en="PAR30"
    ),
    FigureSpec("par90", "ratio", "lower", "loan", "PAR 90", "风险贷款率（逾期90天以上）"),
    FigureSpec("principal_due", "money", "none", None, "Principal due", "应收本金"),
    FigureSpec("principal_collected", "money", "none", None, "Principal collected", "实收本金"),
    FigureSpec(
        "recovery_rate", "ratio", "higher", "loan", "Recovery rate", "回收率", column_en="recovery"
    ),
    FigureSpec(
        "on_time_rate", "ratio", "higher", "loan", "On-time rate", "按时还款率", column_en="on time"
    ),
    FigureSpec("disbursed_count", "count", "none", None, "Loans disbursed", "发放笔数"),
    FigureSpec("disbursed_amount", "money", "none", None, "Amount disbursed", "发放金额"),
    FigureSpec("first_loans", "count", "none", None, "First loans", "首次贷款笔数"),
    FigureSpec(
        "first_loans_trained",
        "count",
        "none",
        None,
        "First loans after full training",
        "培训达标的首次贷款",
    ),
    FigureSpec(
        "training_compliance",
        "ratio",
        "higher",
        "loan",
        "Training compliance",
        "培训达标率",
        column_en="trained",
    ),
    FigureSpec(
        "visit_coverage",
        "ratio",
        "higher",
        "borrower",
        "Visit coverage",
        "回访覆盖率",
        column_en="visited",
    ),
    FigureSpec(
        "followups_overdue",
        "count",
        "lower",
        "loan",
        "Overdue follow-ups",
        "逾期未跟进",
        column_en="follow-ups",
    ),
    FigureSpec("hours", "hours", "none", None, "Hours logged", "工作小时"),
    FigureSpec("writeoff_count", "count", "lower", "loan", "Loans written off", "核销笔数"),
    FigureSpec("writeoff_principal", "money", "lower", None, "Principal written off", "核销本金"),
    FigureSpec("renewal_rate", "ratio", "higher", "borrower", "Renewal rate", "续贷率"),
    FigureSpec("renewed_borrowers", "count", "none", None, "Borrowers renewed", "续贷借款人"),
    FigureSpec("left_borrowers", "count", "lower", "borrower", "Borrowers who left", "流失借款人"),
    FigureSpec("pending_renewals", "count", "none", "borrower", "Renewals pending", "待续贷借款人"),
    FigureSpec(
        "arrears_visits", "count", "none", None, "Visits to borrowers in arrears", "逾期走访次数"
    ),
    FigureSpec(
        "arrears_visits_unable", "count", "none", None, "… found unable to pay", "其中无力还款"
    ),
    FigureSpec(
        "arrears_visits_unwilling",
        "count",
        "none",
        None,
        "… found unwilling to pay",
        "其中有钱不还",
    ),
    # Field cash not posted by the bank (or posted with another amount) after
    # reconcile_days: the count is the tile, the amount its detail (detail_of below).
    FigureSpec(
        "field_receipts_unreconciled",
        "count",
        "lower",
        "loan",
        "Field receipts not reconciled",
        "未核对的现场收款",
        column_en="receipts",
    ),
    FigureSpec(
        "field_receipts_unreconciled_amount",
        "money",
        "lower",
        None,
        "Amount of field receipts not reconciled",
        "未核对的现场收款金额",
    ),
)
# Rules may also name "time_share.<activity code>" (a ratio): an activity's share of hours.
TIME_SHARE_PREFIX = "time_share."

# Figures of a day rather than a period, and not components: read from the early
# warning as of the period's as-of day for one officer at a time (core.warning.team), so
# a rule naming one is judged only where they are read (My quarter, the review).
DAY_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        "slipping_unvisited",
        "count",
        "lower",
        "loan",
        "Slipping loans not visited",
        "预警贷款未走访",
    ),
)
DAY_FIGURE_KEYS = frozenset(f.key for f in DAY_FIGURES)

FIGURES_BY_KEY: dict[str, FigureSpec] = {f.key: f for f in (*FIGURES, *DAY_FIGURES)}
# A figure shown with another as its detail under it (a count and its amount).
DETAIL_FIGURES: dict[str, str] = {
    "field_receipts_unreconciled": "field_receipts_unreconciled_amount",
}

# The headline figures, in reading order: the quarter's results an officer is coached on.
# Every summary shows these first and in this order.
HEADLINE_FIGURES: tuple[str, ...] = (
    "recovery_rate",
    "on_time_rate",
    "par30",
    "training_compliance",
    "visit_coverage",
    "followups_overdue",
)
# What each summary adds after them: these are the only differences between the summaries.
# "My quarter"'s tiles: the officer's caseload and the loans they made.
# And the field cash they have not seen posted (issue 14).
TILE_FIGURES: tuple[str, ...] = (
    *HEADLINE_FIGURES,
    "active_borrowers",
    "disbursed_count",
    "field_receipts_unreconciled",
)
# The team overview's bullet charts (none for a figure without an officer goal): renewals
# and field cash not reconciled.
CHART_FIGURES: tuple[str, ...] = (
    *HEADLINE_FIGURES,
    "renewal_rate",
    "field_receipts_unreconciled",
)
# The team scorecard's columns (CSV and Excel): the charted figures (and the amount of the
# receipts not reconciled), then the size of each officer's work.
SCORECARD_FIGURES: tuple[str, ...] = (
    *CHART_FIGURES,
    "field_receipts_unreconciled_amount",  # beside its count, the last charted figure
    "active_borrowers",
    "outstanding_principal",
    "disbursed_count",
    "disbursed_amount",
    "hours",
)
# The terminal table of `python -m core metrics`: the size of the portfolio as loans and money.
TABLE_FIGURES: tuple[str, ...] = (*HEADLINE_FIGURES, "active_loans", "outstanding_principal")
