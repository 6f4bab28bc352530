"""Redis connection and RQ queue; absent when REDIS_URL is unset (embedded mode)."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue


def redis_connection() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def redis_status() -> str:
    """'absent' when no Redis is configured, 'ok' when it answers, 'down' otherwise."""
    conn = redis_connection()
    if conn is None:
        return "absent"
    try:
        conn.ping()
    except (RedisError, OSError):
        return "down"
    finally:
        conn.close()
    return "ok"


def get_queue(name: str = "default") -> Queue | None:
    conn = redis_connection()
    return Queue(name, connection=conn) if conn is not None else None
