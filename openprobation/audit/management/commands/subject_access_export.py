"""Export everything held about one person (a subject access request) to a ZIP file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from openprobation.audit.subject_access import REFERENCE_MAX_LENGTH, export_subject_access


class Command(BaseCommand):
    help = (
        "Export everything held about the person with this CRN as a ZIP of JSON files with an HTML and PDF "
        "summary, sensitive contacts and notes (and sessions and alerts about them) withheld and listed. Runs "
        "as the named data protection officer, through the same access checks as the page, and is recorded "
        "in the case's history."
    )

    def add_arguments(self, parser):
        parser.add_argument("crn")
        parser.add_argument("--output", required=True, help="Where to write the ZIP file.")
        parser.add_argument("--by", required=True, metavar="USERNAME",
                            help="The data protection officer making the export (it is recorded against them).")
        parser.add_argument("--reference", required=True, help="The reference of the subject access request.")
        parser.add_argument("--force", action="store_true", help="Overwrite the output file if it exists.")
        parser.add_argument("--full-pdf", action="store_true",
                            help="Also render the whole record as record.pdf (about ten pages a second).")

    def handle(self, *args, crn, output, by, reference, force, full_pdf, **options):
        reference = " ".join(reference.split())
        if not reference or len(reference) > REFERENCE_MAX_LENGTH:
            raise CommandError(f"Give a request reference of 1 to {REFERENCE_MAX_LENGTH} characters.")
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{path} already exists: choose another name or use --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        user = get_user_model().objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {by!r}.")
        try:
            export = export_subject_access(user, crn, reference=reference, full_pdf=full_pdf)
        except Http404:
            raise CommandError(f"No case with CRN {crn!r} was found for {by}.") from None
        except PermissionDenied:
            raise CommandError(f"{by} may not make subject access exports: that is the data protection "
                               "officer's role.") from None
        path.write_bytes(export.content)
        data = export.data
        self.stdout.write(f"Wrote {path} ({len(export.content):,} bytes, SHA-256 {export.sha256}).")
        self.stdout.write(f"Records: {sum(len(s.rows) for s in data.sections)}; withheld: {len(data.withheld)}.")
        for kind, count in data.held_elsewhere:
            self.stdout.write(self.style.WARNING(f"Not in the export, review by hand: {kind}: {count}"))
