"""A mixed practitioner workload for locust, against a server on 127.0.0.1 only (run by bench/load.sh).

Each simulated user is one signed-in practitioner (sessions from bench/load_sessions.py) working through
their own caseload: the caseload page, a case's overview, activity log and appointments, searches by a
misspelt name and by CRN, and recording an outcome (the form, then the POST with its CSRF token).
Redirects are not followed, so every request is one server response; anything but the expected status
counts as a failure. BENCH_SESSIONS names the sessions file; BENCH_WAIT_SECONDS ("0" or "0.5-2") is each
user's pause between requests.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, task

SESSIONS = json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115, PTH123
_next_user = itertools.cycle(SESSIONS["users"])
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def _wait():
    spec = os.environ.get("BENCH_WAIT_SECONDS", "0")
    if "-" in spec:
        low, high = (float(x) for x in spec.split("-"))
        return between(low, high)
    return constant(float(spec))


class Practitioner(HttpUser):
    wait_time = _wait()

    def on_start(self):
        host = urlsplit(self.host).hostname
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit(f"Load tests run against this machine only, not {host}.")
        self.me = next(_next_user)
        self.client.cookies.set(SESSIONS["cookie_name"], self.me["cookie"])

    def _get(self, url, name):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    def _case(self):
        return random.choice(self.me["crns"])

    @task(3)
    def caseload(self):
        self._get("/caseload/", "my caseload")

    @task(4)
    def overview(self):
        self._get(f"/cases/{self._case()}/", "case overview")

    @task(3)
    def activity_log(self):
        self._get(f"/cases/{self._case()}/activity-log/", "activity log")

    @task(2)
    def appointments(self):
        self._get(f"/cases/{self._case()}/appointments/", "appointments")

    @task(2)
    def search_by_name(self):
        self._get(f"/search/?q={random.choice(self.me['misspelt']).replace(' ', '+')}", "search: misspelt name")

    @task(1)
    def search_by_crn(self):
        self._get(f"/search/?q={self._case()}", "search: CRN")

    @task(1)
    def record_outcome(self):
        if not self.me["appointments"]:
            return
        crn, contact_id = random.choice(self.me["appointments"])
        url = f"/cases/{crn}/appointments/{contact_id}/outcome/"
        form = self._get(url, "record an outcome: form")
        token, version = _TOKEN.search(form.text), _VERSION.search(form.text)
        if form.status_code != 200 or not token or not version:
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "outcome": SESSIONS["attended_outcome_id"],
            "notes": "Attended; we reviewed the sentence plan together.",
        }
        headers = {"Referer": self.host + url}
        with self.client.post(url, data=data, headers=headers, name="record an outcome: POST",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
