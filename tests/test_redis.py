"""Redis, when configured: health check and the login limiter's shared storage."""

from __future__ import annotations

import os

import pytest
from redis import Redis
from redis.exceptions import RedisError

from tests.conftest import service_missing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except (RedisError, OSError) as error:
        service_missing(f"Redis is unreachable at {REDIS_URL}: {error}")
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()


def test_healthz_reports_redis_ok(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url)
    assert app.test_client().get("/healthz").get_json() == {"db": "ok", "redis": "ok"}


def test_login_limit_is_shared_through_redis_across_app_instances(make_app, redis_url, app):
    settings = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute",
                "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": redis_url}
    first = make_app(**settings).test_client()
    data = {"email": "someone@test.local", "password": "bad"}
    assert [first.post("/login", data=data).status_code for _ in range(2)] == [422, 422]
    second = make_app(**settings).test_client()  # another worker, same Redis
    assert second.post("/login", data=data).status_code == 429
