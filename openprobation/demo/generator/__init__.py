"""Deterministic synthetic probation data at any scale (see docs/demo-data.md).

`generate(scale=..., seed=..., today=...)` builds an organisation, its staff and their cases with months
of supervision history. The same seed and date always give the same data. Nothing here describes a
real person: names come from Faker (en_GB), places and postcodes are invented, phone numbers are in
Ofcom's drama ranges.
"""

from .errors import DemoDataError, DemoDataExists
from .organisation import FIXED_SIGN_INS
from .plan import SCALES, people_for_scale, plan_organisation
from .reset import delete_domain_data
from .run import DEMO_PASSWORD, Result, generate

__all__ = [
    "DEMO_PASSWORD",
    "FIXED_SIGN_INS",
    "SCALES",
    "DemoDataError",
    "DemoDataExists",
    "Result",
    "delete_domain_data",
    "generate",
    "people_for_scale",
    "plan_organisation",
]
