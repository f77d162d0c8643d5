"""Login throttling: after N failures for one username from one address, refuse for a while."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}|{ip}".encode()).hexdigest()
    return f"login-fail:{digest}"


def is_locked(username: str, ip: str) -> bool:
    failures: int = cache.get(_key(username, ip), 0)
    return failures >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str, ip: str) -> None:
    key = _key(username, ip)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCK_SECONDS)


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
