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
