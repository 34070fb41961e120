"""The tier on the case: the adapter from the record to the tier rules, recalculation and history."""

from .adapter import next_check, tier_lines
from .calculate import evaluate, recalculate_tier, recalculate_tier_after_commit, recalculate_tiers
from .daily import check_tiers

__all__ = ["check_tiers", "evaluate", "next_check", "recalculate_tier", "recalculate_tier_after_commit",
           "recalculate_tiers", "tier_lines"]
