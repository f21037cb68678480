"""Pure triage for runners whose legs ache: facts in, level, reasons and advice out.

Imports nothing from Rasa; the action server wraps it. See docs/TRIAGE.md.
"""
from triage.advice import Advice, load_advice
from triage.engine import Reason, TriageResult, assess
from triage.facts import UNKNOWN, Facts
from triage.rules import LEVELS, Rule, RuleError, load_rules

__all__ = [
    "LEVELS", "UNKNOWN", "Advice", "Facts", "Reason", "Rule", "RuleError",
    "TriageResult", "assess", "load_advice", "load_rules",
]
