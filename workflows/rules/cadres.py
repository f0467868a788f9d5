"""The per-cadre rules in one place to import from; each lives in its own small module."""

from workflows.rules.eligibility import Exclusion
from workflows.rules.eligibility import candidate_exclusions
from workflows.rules.eligibility import promotion_priority
from workflows.rules.findings import Finding
from workflows.rules.rotation import RotationFinding
from workflows.rules.rotation import rotation_due
from workflows.rules.second_line import SecondLineWindow
from workflows.rules.second_line import second_line_window
from workflows.rules.sections import SectionPenalty
from workflows.rules.sections import section_penalties

__all__ = [
    "Exclusion", "Finding", "RotationFinding", "SecondLineWindow", "SectionPenalty",
    "candidate_exclusions", "promotion_priority", "rotation_due", "second_line_window", "section_penalties",
]
