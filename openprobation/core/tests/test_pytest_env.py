"""The test run's own set-up (core/pytest_env.py)."""

import asyncio
import threading

from django.db import connections


def test_a_running_event_loop_gives_the_thread_no_second_set_of_connections():
    # Playwright's synchronous API leaves a loop marked as running in the main thread; the tests after a
    # browser journey must still use the thread's one connection, or the first one outlives the run. Checked in
    # a thread of its own, which has no loop yet whatever ran before this test.
    seen = {}

    async def inside():
        return connections["default"]

    def check():
        try:
            seen["outside"] = connections["default"]
            seen["inside"] = asyncio.run(inside())
        finally:
            connections.close_all()

    thread = threading.Thread(target=check)
    thread.start()
    thread.join()
    assert seen["inside"] is seen["outside"]
