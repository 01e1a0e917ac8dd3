"""Code guessing stays slowed across workers: with Redis storage the counter outlives any one app process."""

from __future__ import annotations

import uuid

import pytest
import redis

from survey_app import create_app
from tests.tools import require_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A key prefix of our own, removed afterwards, so runs never see each other's counters."""
    require_redis(REDIS_URL)  # CI starts Redis; elsewhere these tests are listed as not run
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"parsurvey-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def _worker(database_url: str, storage: str, prefix: str):
    """One app instance, as a fresh gunicorn worker process would build it."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_CODE_ENTRY": "3 per minute",
    })
    return app.test_client()


def _guess(client, n: int) -> list[int]:
    return [client.get(f"/s/WRONG-{uuid.uuid4().hex[:6]}").status_code for _ in range(n)]


def test_with_redis_a_new_worker_still_refuses_an_address_that_guessed_too_often(database_url, redis_prefix):
    assert _guess(_worker(database_url, REDIS_URL, redis_prefix), 3) == [404, 404, 404]
    assert _guess(_worker(database_url, REDIS_URL, redis_prefix), 1) == [429]


def test_with_memory_storage_each_worker_counts_alone(database_url, redis_prefix):
    """Why production with several workers must configure Redis: memory counters are per process."""
    assert _guess(_worker(database_url, "memory://", redis_prefix), 3) == [404, 404, 404]
    assert _guess(_worker(database_url, "memory://", redis_prefix), 1) == [404]
