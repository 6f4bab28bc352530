"""Redis connection and RQ queue; absent when REDIS_URL is unset (embedded mode)."""

from __future__ import annotations

from flask import after_this_request, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from werkzeug.utils import import_string


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


def run_later(job: str, *args) -> None:
    """Run ``job`` (a function's dotted name, as RQ takes it: "cal.worker.…") after this
    request: on a worker when Redis is configured, else (or while it is down) in this
    process once the response has gone out. Either way the answer waits for none of the
    job's work, so its time tells nothing of what the job found."""
    queue = get_queue()
    if queue is not None:
        try:
            queue.enqueue(job, *args)
            return
        except (RedisError, OSError):
            current_app.logger.warning("Redis is unreachable: %s runs here", job)
    function = import_string(job)
    app = current_app._get_current_object()

    @after_this_request
    def schedule(response):
        def run():
            with app.app_context():
                try:
                    function(*args)
                except Exception:  # logged; the request has been answered already
                    app.logger.exception("%s failed", job)

        response.call_on_close(run)
        return response
