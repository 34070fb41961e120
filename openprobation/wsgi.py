"""The WSGI application that `openprobation serve` (gunicorn) runs in each worker process.

Once Django is set up and the URLconf (with every view module) is loaded, the objects made so far, well over
100,000 of them, live as long as the process. ``gc.freeze()`` moves them out of the garbage collector's
view, so a full collection scans only what requests allocate since. Without it a full collection, which
comes round every hundred or so requests, scanned them all and held that request up by 30 to 40 ms
(bench/README.md, "Pages against their budgets"). Nothing is cached by this. The one cost: a frozen object
that later becomes cyclic garbage is not reclaimed, and what is frozen here (modules, classes, settings, URL
patterns) lives as long as the process anyway.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprobation.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module now, not on request one
    gc.collect()
    gc.freeze()


_load_and_freeze()
