"""The test run's own set-up (core/pytest_env.py)."""

import asyncio

from django.db import connections


def test_a_running_event_loop_gives_the_thread_no_second_set_of_connections():
    # Playwright's synchronous API leaves a loop marked as running in the main thread; the tests after a
    # browser journey must still use the thread's one connection, or the first one outlives the run.
    outside = connections["default"]

    async def inside():
        return connections["default"]

    assert asyncio.run(inside()) is outside
