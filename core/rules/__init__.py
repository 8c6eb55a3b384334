"""Goal rules: config/rules.yaml, validated with file/line/key errors, judged into findings.

    rule_set = load_default_rules()          # or load_rules(path, activity_codes)
    findings = evaluate(rule_set, figure_sets)

Modules: schema (Rule, RuleSet), nodes (reading YAML nodes), bands (band order), loader
(load_rules, check_config_text), formatting (97.5%, ¥12,345.00), evaluate (FigureSet, Finding).
"""

from core.rules.evaluate import FigureSet, Finding, evaluate, figure_value, status_of
from core.rules.loader import check_config_text, load_default_rules, load_rules
from core.rules.schema import BREACHED, MET, NO_DATA, WARNING, Rule, RuleSet

__all__ = [
    "BREACHED",
    "MET",
    "NO_DATA",
    "WARNING",
    "FigureSet",
    "Finding",
    "Rule",
    "RuleSet",
    "check_config_text",
    "evaluate",
    "figure_value",
    "load_default_rules",
    "load_rules",
    "status_of",
]
