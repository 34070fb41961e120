"""The `openprobation` command: a friendly wrapper around manage.py.

    openprobation demo [--scale small] [--port 8000]   set up a demo database and serve it
    openprobation serve [--port 8000] [--workers 2]     serve with gunicorn (production-style)
    openprobation worker                                run the background task worker (books the daily sweeps)
    openprobation run_sweeps [--today YYYY-MM-DD]       run the daily sweeps now (cron, or by hand)
    openprobation rules ogrs3|tier < cases.jsonl        OGRS3 or tier for each JSON line (docs/rules-cli.md)
    openprobation <any manage.py command> ...           e.g. `openprobation migrate`
"""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")
    import django

    django.setup()


def _manage(*args: str):
    from django.core.management import call_command

    call_command(*args)


def demo(argv):
    parser = argparse.ArgumentParser(prog="openprobation demo", description="Create and serve a demo database.")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--reset", action="store_true", help="Replace any existing demo data.")
    parser.add_argument("--no-serve", action="store_true", help="Only create the data.")
    args = parser.parse_args(argv)
    _django()
    from openprobation.people.models import Person

    _manage("migrate", "--no-input", "-v", "0")
    if args.reset or not Person.objects.exists():
        demo_args = ["demo_data", "--scale", args.scale, "--seed", args.seed]
        if args.reset:
            demo_args.append("--reset")
        _manage(*demo_args)
    else:
        print("Demo data already exists; use --reset to replace it.")
        _manage("demo_data", "--print-sign-ins")
    _manage("collectstatic", "--no-input", "-v", "0")
    if not args.no_serve:
        print(f"\nOpenProbation is running at http://{args.host}:{args.port}/  (Ctrl+C to stop)\n", flush=True)
        serve(["--host", args.host, "--port", args.port, "--workers", "2"])


def serve(argv):
    parser = argparse.ArgumentParser(prog="openprobation serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
    parser.add_argument("--threads", default="4")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn", "openprobation.wsgi:application", "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
        "--access-logfile", "-", "--timeout", "60",
    ]
    run()


def worker(argv):
    _django()
    # Book the daily sweeps (protective services, assessments, overdue alerts) unless a run is booked:
    # each run books the next, so the worker keeps the daily cycle going.
    _manage("run_sweeps", "--schedule", "-v", "0")
    # Access events are sealed into the tamper-evident chain every few minutes; each run books the next.
    from openprobation.audit.tasks import schedule_sealing

    schedule_sealing()
    _manage("db_worker", "--no-reload", "--queue-name", "default", *argv)


def rules(argv):
    """Pure calculations over JSON Lines on standard input: no database, no Django set-up."""
    parser = argparse.ArgumentParser(
        prog="openprobation rules",
        description="Read one JSON object a line on standard input; write one JSON result a line "
        "(or {\"error\": ...}). See docs/rules-cli.md.",
    )
    parser.add_argument("rule", choices=["ogrs3", "tier"])
    args = parser.parse_args(argv)
    from openprobation.assessments.rules.jsonl import run

    return run(args.rule)


COMMANDS = {"demo": demo, "serve": serve, "worker": worker, "rules": rules}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command in COMMANDS:
        return COMMANDS[command](rest) or 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openprobation", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
