"""Pure risk rules: the OGRS3 predictor (`ogrs3`) and the national tier (`tier`), with their JSON Lines
command contract (`jsonl`). No database, no clock: plain data in, a result with its reasons out.
"""

from .ogrs3 import OGRS3Error, OGRS3Input, OGRS3Result, calculate_ogrs3
from .tier import TierError, TierInput, TierV2Result, TierV3Result, calculate_tier

__all__ = [
    "OGRS3Error", "OGRS3Input", "OGRS3Result", "TierError", "TierInput", "TierV2Result", "TierV3Result",
    "calculate_ogrs3", "calculate_tier",
]
