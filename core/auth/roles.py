"""The roles: the one place that lists them, with what each one's scope is and which pages
it sees.

Read by the navigation (`streamlit_app.py` builds its `st.Page`s from the `PageSpec`s here:
core never imports Streamlit), by `scope.scope_for`, by the user admin (`users`, the Users
page and `python -m core users`) and by the importer (the staff file's role column and its
team rule). Adding a role: a `RoleSpec` below and its pages, its name in the catalogues
(`role.<code>`), and the database's check constraint (`core.db.models.STAFF_ROLES` and a
migration; tests/unit/test_roles.py checks both lists agree).
"""

from __future__ import annotations

from dataclasses import dataclass

# The kinds of scope a role can have (core.auth.scope.Scope.kind).
ALL = "all"  # the whole cooperative
OFFICER = "officer"  # the officer's own portfolio
TEAM = "team"  # the officers of the team the staff list gives them
TRAINER = "trainer"  # training records and cohort aggregates, no officer's rows
SCOPE_KINDS = (ALL, OFFICER, TEAM, TRAINER)


@dataclass(frozen=True)
class PageSpec:
    """A screen of the menu: its script (from the project folder, which also gives its URL),
    its title's catalogue key and its icon. A hidden page is registered, so links and
    buttons open it, but not listed in the menu. Which page opens first is the role's
    (`RoleSpec.default_page`): a page shared by several roles is no one's default."""

    path: str
    title_key: str
    icon: str
    hidden: bool = False


@dataclass(frozen=True)
class RoleSpec:
    """A role: its code (stored on accounts and the staff list), its scope kind, its menu
    section's title key and its pages in menu order. `needs_team`: the staff list must give
    its members a team."""

    code: str
    scope_kind: str
    section_key: str
    pages: tuple[PageSpec, ...]
    needs_team: bool = False

    @property
    def default_page(self) -> PageSpec:
        """The page the role opens on after logging in: the first of its menu."""
        return self.pages[0]

    @property
    def staff_linked(self) -> bool:
        """Whether its accounts link a staff member of the same role (without one, the
        scope would be empty): every role but the one that sees the whole cooperative."""
        return self.scope_kind != ALL


LOGIN = PageSpec("pages/login.py", "login.title", ":material/login:")
# The only page of an account that must change its password first.
CHANGE_PASSWORD = PageSpec("pages/change_password.py", "password.title", ":material/key:")

HOME = PageSpec("pages/home.py", "home.title", ":material/home:")
# The officer's home on a phone: whom to see today and this week, one tap to the visit.
PLAN = PageSpec("pages/plan.py", "plan.title", ":material/checklist:")
MY_QUARTER = PageSpec("pages/my_quarter.py", "quarter.title", ":material/insights:")
PORTFOLIO = PageSpec("pages/portfolio.py", "portfolio.title", ":material/table_view:")
VISITS = PageSpec("pages/visits.py", "visits.title", ":material/directions_walk:")
SHEET = PageSpec("pages/collection_sheet.py", "collection_sheet.title", ":material/receipt_long:")
TIME = PageSpec("pages/time.py", "time.title", ":material/schedule:")
CUSTOMERS = PageSpec("pages/customers.py", "customers.title", ":material/handshake:")
MY_REVIEW = PageSpec("pages/my_review.py", "my_review.title", ":material/edit_note:")
# Officers read their 1:1 notes and action items here; team leaders keep them.
COACHING = PageSpec("pages/coaching.py", "coaching.title", ":material/forum:")
# Opened from the portfolio, the visits and the week's lists, not from the menu.
BORROWER = PageSpec("pages/borrower.py", "borrower.title", ":material/person:", hidden=True)
TEAM_OVERVIEW = PageSpec("pages/team.py", "team.title", ":material/leaderboard:")
TEAM_REVIEWS = PageSpec("pages/team_reviews.py", "team_reviews.title", ":material/rate_review:")
OFFICERS = PageSpec("pages/officers.py", "officers.title", ":material/groups:")
# Training records and first loans made without full training: trainers see their batches,
# team leaders their officers' exceptions, admins everything.
TRAINING = PageSpec("pages/training.py", "training.title", ":material/school:")
# The training register: batches, members and attendance recorded in the field.
REGISTER = PageSpec("pages/training_register.py", "register.title", ":material/how_to_reg:")
COHORTS = PageSpec("pages/cohorts.py", "cohorts.title", ":material/monitoring:")
ADMIN_IMPORT = PageSpec("pages/admin_import.py", "admin_import.title", ":material/upload:")
ADMIN_USERS = PageSpec("pages/admin_users.py", "admin_users.title", ":material/person:")
ADMIN_CONFIG = PageSpec("pages/admin_config.py", "admin_config.title", ":material/tune:")
ADMIN_BACKUP = PageSpec("pages/admin_backup.py", "admin_backup.title", ":material/backup:")
AUDIT = PageSpec("pages/audit.py", "audit.title", ":material/history:")
# The early warning's backtest, for admins (docs/metrics.md, section 10).
WARNING_TRUST = PageSpec("pages/warning_trust.py", "trust.title", ":material/troubleshoot:")
# Field receipts against the bank's postings: officers their own, team leaders their team's.
RECEIPTS = PageSpec("pages/receipts.py", "receipts.title", ":material/payments:")
# Each person's own settings (where their daily digest goes): opened from the sidebar.
MY_SETTINGS = PageSpec("pages/my_settings.py", "settings.title", ":material/settings:", hidden=True)

ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "officer",
        OFFICER,
        "nav.my_work",
        (
            PLAN,
            HOME,
            MY_QUARTER,
            PORTFOLIO,
            VISITS,
            SHEET,
            RECEIPTS,
            TIME,
            REGISTER,
            CUSTOMERS,
            MY_REVIEW,
            COACHING,
            BORROWER,
            MY_SETTINGS,
        ),
        needs_team=True,  # their team leader sees them through the team
    ),
    RoleSpec(
        "team_leader",
        TEAM,
        "nav.team",
        (
            HOME,
            TEAM_OVERVIEW,
            TEAM_REVIEWS,
            COACHING,
            OFFICERS,
            PORTFOLIO,
            SHEET,
            TRAINING,
            REGISTER,
            RECEIPTS,
            BORROWER,
            MY_SETTINGS,
        ),
        needs_team=True,  # the team is their scope
    ),
    RoleSpec("trainer", TRAINER, "nav.training", (HOME, REGISTER, TRAINING, COHORTS, MY_SETTINGS)),
    RoleSpec(
        "admin",
        ALL,
        "nav.admin",
        (
            HOME,
            OFFICERS,
            PORTFOLIO,
            TRAINING,
            REGISTER,
            COHORTS,
            WARNING_TRUST,
            ADMIN_IMPORT,
            ADMIN_USERS,
            ADMIN_CONFIG,
            ADMIN_BACKUP,
            AUDIT,
            BORROWER,
            MY_SETTINGS,
        ),
    ),
)
ROLES_BY_CODE: dict[str, RoleSpec] = {role.code: role for role in ROLES}
ROLE_CODES: tuple[str, ...] = tuple(ROLES_BY_CODE)
# The pages of an account whose role is not listed above (the database's check constraint
# prevents it): the home page alone, in a menu without a section title. Every role opens on
# the first page of its tuple: the plan for officers, the home page for the others.
UNKNOWN_ROLE_PAGES: tuple[PageSpec, ...] = (HOME,)


def role_list_text(codes: tuple[str, ...] = ROLE_CODES) -> str:
    """The role codes as a sentence for help texts: "officer, team_leader, trainer or admin"."""
    return f"{', '.join(codes[:-1])} or {codes[-1]}" if len(codes) > 1 else "".join(codes)


def catalogue_keys() -> set[str]:
    """Every catalogue key named here: page titles and menu section titles."""
    pages = {LOGIN, CHANGE_PASSWORD, *UNKNOWN_ROLE_PAGES, *(p for r in ROLES for p in r.pages)}
    return {page.title_key for page in pages} | {role.section_key for role in ROLES}
