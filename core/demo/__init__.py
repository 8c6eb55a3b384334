"""A deterministic demo cooperative: the eight import-format CSV files of a plausible
rural credit cooperative (branches, teams, villages, groups of five, training, loans,
schedules, repayments, visits and time sheets), for trying Fieldbook without real data.
"""

from core.demo.generator import generate_demo
from core.demo.scales import SCALES, ScaleSpec

__all__ = ["SCALES", "ScaleSpec", "generate_demo"]
