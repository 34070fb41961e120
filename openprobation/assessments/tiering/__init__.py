"""The tier on the case: the adapter from the record to the tier rules, recalculation and history."""

from .adapter import tier_lines
from .calculate import evaluate, recalculate_tier, recalculate_tier_after_commit, recalculate_tiers

__all__ = ["evaluate", "recalculate_tier", "recalculate_tier_after_commit", "recalculate_tiers", "tier_lines"]
