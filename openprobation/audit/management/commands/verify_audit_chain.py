"""Verify the audit and access chains; report the first broken link and exit non-zero if there is one."""

from django.core.management.base import BaseCommand, CommandError

from openprobation.audit.chain import verify_access_chain, verify_audit_chain


class Command(BaseCommand):
    help = (
        "Recompute every link of the audit chain (one per audit event) and the access chain (one seal per "
        "batch of access events). Prints each chain's head (keep it somewhere else: it is an anchor to check "
        "against later) and exits with status 1 at the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", choices=["audit", "access", "all"], default="all")
        parser.add_argument(
            "--anchor", metavar="POSITION:HASH",
            help="An audit chain head printed by an earlier run: checks that link is unchanged and verifies "
                 "only the links after it.",
        )

    def handle(self, *args, chain, anchor, **options):
        reports = []
        try:
            if chain in ("audit", "all"):
                reports.append(verify_audit_chain(anchor=anchor))
            if chain in ("access", "all"):
                reports.append(verify_access_chain())
        except ValueError as error:
            raise CommandError(str(error)) from None
        broken = False
        for report in reports:
            if report.ok:
                line = (f"{report.chain} chain: OK, {report.checked} links checked, covering {report.events} events; "
                        f"head {report.head_seq}:{report.head_hash}")
                if report.chain == "access":
                    line += f"; {report.unsealed} access events not sealed yet"
                self.stdout.write(self.style.SUCCESS(line))
            else:
                broken = True
                self.stderr.write(self.style.ERROR(f"BROKEN: {report.broken}"))
        if broken:
            raise CommandError("The audit trail has been altered: see the first broken link above.", returncode=1)
