"""Django's Redis cache, with one redis-py client per connection pool.

Django's builds a new redis-py client for every operation (its get_client()); that took 60 to 140
µs here, as long as the round trip itself, and every API request now makes one (core.snapshots).
A client is only a handle on its pool, which is thread-safe, so one per pool serves them all.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


# INCR, and EXPIRE when the count starts: one round trip, and Redis 6.2 (the embedded server) has
# no EXPIRE ... NX.
COUNT_IN_WINDOW = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def count_in_window(cache, key: str, *, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds after it starts; the new count. On Redis
    one round trip; elsewhere add-or-increment."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        client = cache._cache.get_client(full_key, write=True)
        return client.register_script(COUNT_IN_WINDOW)(keys=[full_key], args=[timeout])
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add and incr: this one starts the window again
        cache.set(key, 1, timeout=timeout)
        return 1
