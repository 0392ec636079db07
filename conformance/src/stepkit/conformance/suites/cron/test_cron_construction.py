"""Construction: rebuilt from its config dump or the environment, a cron adapter shares the lock table."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.construction import rebuild

pytestmark = [pytest.mark.cron, pytest.mark.core]


@pytest.mark.clause("cron.construction")
def test_cron_construction_from_config_and_env(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def check() -> None:
        cron = await harness.cron()
        lock = await cron.acquire_lock("construct-job", 30)
        assert lock is not None, "a free job could not be locked"
        for n, clone in enumerate(await rebuild(harness, cron, monkeypatch)):
            how = ("from_config", "from_env")[n]
            listed = [info.job_name for info in await clone.active_locks()]
            assert listed == ["construct-job"], f"an instance built {how} lists {listed}, not the held lock"
        assert await cron.release_lock(lock) is True

    harness.run(check())
