"""The WSGI module a web worker imports: the application, with the start-up objects frozen out of the
garbage collector's full collections (openprobation/wsgi.py)."""

import os
import subprocess
import sys


def test_a_worker_starts_with_its_urlconf_loaded_and_its_start_up_objects_frozen():
    script = (
        "import gc, sys, openprobation.wsgi as w; "
        "print(gc.get_freeze_count(), 'openprobation.urls' in sys.modules, callable(w.application))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "openprobation.settings"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    frozen, urls_loaded, app = out.stdout.split()
    assert int(frozen) > 10_000
    assert (urls_loaded, app) == ("True", "True")
