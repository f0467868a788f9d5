"""The small frozen result every cadre rule returns: applies, a Chinese reason, the figures and the policy used."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One rule's answer about one cadre, ready to be recorded with the decision it informs."""

    applies: bool
    reason: str  # Chinese, with the figures, for the person reading the case
    figures: dict[str, Any]  # JSON-ready (dates as ISO strings) so the record can be replayed
    policy: dict[str, Any]  # the parameters used (Policy.subset / as_record)
