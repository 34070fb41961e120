"""Tamper evidence: the audit chain (one link per AuditEvent) and the access chain (one seal per batch
of AccessEvents). See docs/audit.md for the design and its costs."""

from .access import SEAL_GRACE, seal_access_events
from .audit import AUDIT_FIELDS, append_audit_event, append_audit_events
from .canonical import GENESIS, canonical, link_hash
from .verify import Break, Report, verify_access_chain, verify_audit_chain

__all__ = [
    "AUDIT_FIELDS",
    "GENESIS",
    "SEAL_GRACE",
    "Break",
    "Report",
    "append_audit_event",
    "append_audit_events",
    "canonical",
    "link_hash",
    "seal_access_events",
    "verify_access_chain",
    "verify_audit_chain",
]
