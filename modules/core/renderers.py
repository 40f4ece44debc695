"""The API's JSON, written by orjson: the bytes DRF's JSONRenderer writes, in a fraction of the time.

What orjson does not write the way DRF does is handed to DRF's own encoder: datetimes, dates and
times (ISO 8601, `Z` for UTC), Decimals, lazy translations, querysets. An indented response
(`Accept: application/json; indent=4`) is left to DRF.
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_drf_default = JSONEncoder().default
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        # Escaped as DRF does, so the JSON is also valid JavaScript.
        content = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        return content.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
