"""The cooperative's people: branches, teams, officers and their working habits, trainers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.demo.names import AREA_CODES, BRANCH_NAMES, person_name, team_name, village_names
from core.demo.scales import ScaleSpec

StaffRow = tuple[str, str, str, str, str, str]

# How an average officer's day is split; unknown activity codes get a small share.
_BASE_ACTIVITY_WEIGHTS = {
    "appraisal": 1.0,
    "collection": 1.1,
    "return_visits": 1.1,
    "group_meetings": 1.0,
    "training": 0.6,
    "office": 1.2,
    "travel": 1.0,
    "learning": 0.35,
}
_UNKNOWN_ACTIVITY_WEIGHT = 0.5
# Officers differ in where their time goes; the dashboard's time shares should show it.
_WORK_STYLES: tuple[dict[str, float], ...] = (
    {},
    {},
    {"collection": 2.6, "return_visits": 0.7},
    {"return_visits": 2.6, "group_meetings": 1.3},
    {"office": 2.2, "travel": 0.6},
)


@dataclass(frozen=True, slots=True)
class OfficerProfile:
    """One loan officer: where they work, their portfolio size and their habits.

    risk multiplies every borrower's chance to pay late or default (tight appraisal and
    collection keep it below 1); training_compliance is the chance a group gets the full
    compulsory training; visit_gap_days and visit_skip set how often borrowers are visited.
    """

    code: str
    branch_index: int
    leader_code: str
    active_from: int
    logs_from: int
    seed: int
    borrowers: int
    villages: tuple[str, ...]
    training_compliance: float
    risk: float
    followup_rate: float
    visit_gap_days: tuple[int, int]
    visit_skip: float
    activity_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Organisation:
    """Everything about the staff that the rest of the generator needs."""

    staff_rows: list[StaffRow]
    officers: list[OfficerProfile]
    trainers_by_branch: tuple[tuple[str, ...], ...]
    area_codes_by_branch: tuple[str, ...]


def _team_sizes(rng: random.Random, officers: int, branches: int) -> list[int]:
    """Sizes of 4 to 6 officers summing to `officers`, at least one team per branch."""
    teams = max(branches, round(officers / 5))
    if not 4 * teams <= officers <= 6 * teams:
        raise ValueError(f"{officers} officers cannot form teams of 4-6 in {branches} branches")
    sizes = [4] * teams
    for _ in range(officers - 4 * teams):
        open_teams = [i for i, size in enumerate(sizes) if size < 6]
        sizes[rng.choice(open_teams)] += 1
    return sizes


def _hired_long_ago(rng: random.Random, history_start: int) -> int:
    return history_start - rng.randint(90, 4500)


def _activity_weights(rng: random.Random, activities: Sequence[str]) -> tuple[float, ...]:
    style = rng.choice(_WORK_STYLES)
    return tuple(
        _BASE_ACTIVITY_WEIGHTS.get(code, _UNKNOWN_ACTIVITY_WEIGHT)
        * style.get(code, 1.0)
        * rng.uniform(0.75, 1.3)
        for code in activities
    )


class _StaffNames:
    """Hands out person names no other staff member has, so screens never show two 王芳."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()

    def next(self) -> str:
        while True:
            name = person_name(self._rng, female=self._rng.random() < 0.5)
            if name not in self._taken:
                self._taken.add(name)
                return name


def build_organisation(
    rng: random.Random,
    spec: ScaleSpec,
    history_start: int,
    end: int,
    activities: Sequence[str],
) -> Organisation:
    """Draws branches, teams, staff and officer habits for a scale."""
    if not 1 <= spec.branches <= len(BRANCH_NAMES):
        raise ValueError(f"branches must be 1..{len(BRANCH_NAMES)}, not {spec.branches}")
    branches = BRANCH_NAMES[: spec.branches]
    sizes = _team_sizes(rng, spec.officers, spec.branches)
    teams_by_branch: list[list[int]] = [sizes[b :: spec.branches] for b in range(spec.branches)]
    names = _StaffNames(rng)
    iso = _iso
    leaders = 0
    staff_rows: list[StaffRow] = [
        ("AD001", names.next(), "admin", branches[0], "", iso(_hired_long_ago(rng, history_start)))
    ]
    trainers_by_branch: list[tuple[str, ...]] = []
    drafts: list[tuple[str, int, str, int, int]] = []  # code, branch, leader, hired, active
    earliest_start = history_start - 60
    for b, branch in enumerate(branches):
        branch_officers = sum(teams_by_branch[b])
        trainers: list[str] = []
        trainers_before = sum(len(t) for t in trainers_by_branch)
        for _ in range(max(2, round(branch_officers / 8))):
            code = f"TR{trainers_before + len(trainers) + 1:03d}"
            hired = _hired_long_ago(rng, history_start)
            staff_rows.append((code, names.next(), "trainer", branch, "", iso(hired)))
            trainers.append(code)
        trainers_by_branch.append(tuple(trainers))
        for t, team_size in enumerate(teams_by_branch[b], start=1):
            team = team_name(branch, t)
            leaders += 1
            leader = f"TL{leaders:03d}"
            hired = _hired_long_ago(rng, history_start)
            staff_rows.append((leader, names.next(), "team_leader", branch, team, iso(hired)))
            for _ in range(team_size):
                code = f"OF{len(drafts) + 1:04d}"
                if rng.random() < 0.15:  # joined during the history, starts from nothing
                    hired = history_start + rng.randint(0, max(0, end - history_start - 300))
                    active = hired + 14
                else:
                    hired = _hired_long_ago(rng, history_start)
                    active = earliest_start
                staff_rows.append((code, names.next(), "officer", branch, team, iso(hired)))
                drafts.append((code, b, leader, hired, active))
    officers = _officer_profiles(rng, spec, drafts, history_start, end, activities)
    area_codes = tuple(AREA_CODES[b % len(AREA_CODES)] for b in range(spec.branches))
    return Organisation(staff_rows, officers, tuple(trainers_by_branch), area_codes)


def _officer_profiles(
    rng: random.Random,
    spec: ScaleSpec,
    drafts: list[tuple[str, int, str, int, int]],
    history_start: int,
    end: int,
    activities: Sequence[str],
) -> list[OfficerProfile]:
    full_span = end - (history_start - 60)
    # Officers who started later have had less time to build a portfolio.
    weights = [rng.uniform(0.75, 1.25) * (end - active) / full_span for *_, active in drafts]
    total_weight = sum(weights)
    borrower_counts = [max(5, round(spec.borrowers * w / total_weight)) for w in weights]
    village_counts = [max(2, round(n / rng.uniform(22, 40))) for n in borrower_counts]
    all_villages = village_names(rng, sum(village_counts))
    team_risk: dict[str, float] = {}
    # A fixed share of sloppy officers keeps the cooperative's training compliance near
    # 75-80% whatever the seed; which officers they are is drawn.
    sloppy_officers = set(rng.sample(range(len(drafts)), max(1, round(len(drafts) * 0.2))))
    profiles: list[OfficerProfile] = []
    first_village = 0
    for (code, branch_index, leader, hired, active), borrowers, villages in zip(
        drafts, borrower_counts, village_counts, strict=True
    ):
        # A team shares a culture: some teams are tighter than others.
        risk_of_team = team_risk.setdefault(leader, rng.uniform(0.8, 1.25))
        sloppy = len(profiles) in sloppy_officers
        habit = rng.random()
        if habit < 0.5:
            gap, skip = (20, 75), 0.02
        elif habit < 0.85:
            gap, skip = (35, 115), 0.1
        else:
            gap, skip = (60, 200), 0.3
        profiles.append(
            OfficerProfile(
                code=code,
                branch_index=branch_index,
                leader_code=leader,
                active_from=active,
                logs_from=max(hired, history_start),
                seed=rng.getrandbits(64),
                borrowers=borrowers,
                villages=tuple(all_villages[first_village : first_village + villages]),
                training_compliance=rng.uniform(0.4, 0.62) if sloppy else rng.uniform(0.82, 0.95),
                risk=risk_of_team * rng.uniform(0.65, 1.5) * (1.2 if sloppy else 1.0),
                followup_rate=rng.uniform(0.45, 0.98),
                visit_gap_days=gap,
                visit_skip=skip,
                activity_weights=_activity_weights(rng, activities),
            )
        )
        first_village += villages
    return profiles


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()
