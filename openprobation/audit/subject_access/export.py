"""The subject access export: a ZIP of JSON files (one per kind of record), an HTML summary and its PDF.

``export_subject_access(user, crn, reference=..., request=...)`` reads the case through
``access.case.access_case`` (part ``subject-access``, as a change: only the data protection role may),
so limited-access lists and the read audit apply as on every page; it then writes an AuditEvent
``subject_access_export`` with the request reference, what was exported and withheld, and the SHA-256
of the ZIP, so the exact file sent can be proved later.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from openprobation.access.case import access_case
from openprobation.access.permissions import SUBJECT_ACCESS

from ..record import record
from .collect import SubjectData, collect

REFERENCE_MAX_LENGTH = 60
# The PDF made on the page is a summary (WeasyPrint lays out about ten pages a second, and a year of
# supervision is sixty pages): these sections in full, the rest counted. `--full-pdf` on the command adds
# record.pdf with everything.
SUMMARY_SECTIONS = frozenset({"person", "addresses", "sentences", "requirements"})
# WeasyPrint logs every layout step at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Export:
    person: object
    filename: str
    content: bytes
    sha256: str
    data: SubjectData


def _json(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode() + b"\n"


def _words(name: str) -> str:
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        if set(value) <= {"id", "name"}:
            return str(value.get("name", value.get("id")))
        if set(value) == {"code", "label"}:
            return str(value["label"])
        return "; ".join(f"{_words(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value) or "–"
    return str(value)


def _fields(item: dict) -> list[tuple[str, str]]:
    return [(_words(name), _text(value)) for name, value in item.items()
            if name != "id" and value not in (None, "", [], {})]


def _is_records(value) -> bool:
    """A list of records held inside a record (a referral's sessions, say), rather than a list of values."""
    return (isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
            and not any(set(item) <= {"id", "name"} or set(item) == {"code", "label"} for item in value))


def readable(rows: list[dict]) -> list[dict]:
    """Each row for the HTML and PDF summary: its ``fields`` as (label, text) pairs, then its ``parts``, the
    records held inside it (a referral's sessions, say) as (label, [(label, text) pairs of each record])."""
    shown = []
    for item in rows:
        values = [(name, value) for name, value in item.items() if name != "id" and value not in (None, "", [], {})]
        shown.append({
            "fields": [(_words(name), _text(value)) for name, value in values if not _is_records(value)],
            "parts": [(_words(name), [_fields(part) for part in value]) for name, value in values if _is_records(value)],
        })
    return shown


def render_summary(data: SubjectData, *, generated_at, generated_by, reference: str, full: bool = True) -> str:
    """The readable copy: everything (``full``), or the summary the page's PDF holds."""
    sections = [
        {"title": section.title, "note": section.note, "file": f"{section.key}.json", "rows": readable(section.rows),
         "in_summary": section.key in SUMMARY_SECTIONS}
        for section in data.sections
    ]
    return render_to_string("audit/subject_access_document.html", {
        "data": data, "person": data.person, "sections": sections, "generated_at": generated_at,
        "generated_by": generated_by, "reference": reference, "full": full,
    })


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment and most requests never need it

    return HTML(string=html).write_pdf()


def build_zip(data: SubjectData, *, generated_at, generated_by, reference: str, full_pdf: bool = False) -> bytes:
    stamp = timezone.localtime(generated_at).timetuple()[:6]
    files: dict[str, bytes] = {}
    for section in data.sections:
        files[f"{section.key}.json"] = _json(section.rows)
    files["withheld.json"] = _json([
        {"kind": item.kind, "date": item.date, "reason": item.reason} for item in data.withheld
    ])
    made = {"generated_at": generated_at, "generated_by": generated_by, "reference": reference}
    html = render_summary(data, **made)
    files["summary.html"] = html.encode()
    files["summary.pdf"] = render_pdf(render_summary(data, **made, full=False))
    if full_pdf:
        files["record.pdf"] = render_pdf(html)
    manifest = {
        "crn": data.person.crn,
        "reference": reference,
        "generated_at": timezone.localtime(generated_at).isoformat(),
        "generated_by": str(generated_by),
        "withheld": len(data.withheld),
        "files": {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in files.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [("manifest.json", _json(manifest)), *files.items()]:
            info = zipfile.ZipInfo(f"{data.person.crn}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def export_subject_access(user, crn: str, *, reference: str, request=None, full_pdf: bool = False) -> Export:
    """Build the export for ``crn`` as ``user`` and audit it. Raises access's not-found or forbidden."""
    person = access_case(user, crn, part=SUBJECT_ACCESS, request=request, change=True)
    generated_at = timezone.now()
    data = collect(person)
    content = build_zip(data, generated_at=generated_at, generated_by=user, reference=reference, full_pdf=full_pdf)
    digest = hashlib.sha256(content).hexdigest()
    record(
        "subject_access_export", person, by=user, crn=person.crn, reference=reference, sha256=digest,
        records={section.key: len(section.rows) for section in data.sections},
        withheld=len(data.withheld),
        held_elsewhere=dict(data.held_elsewhere),
    )
    filename = f"subject-access-{person.crn}-{timezone.localtime(generated_at):%Y%m%d-%H%M%S}.zip"
    return Export(person=person, filename=filename, content=content, sha256=digest, data=data)
