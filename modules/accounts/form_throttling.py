"""The API's throttles, applied to the HTML forms that do the same thing.

One service, two doors: without this, the signup or password reset page would be a way around
the limits the API sets on the very same service.
"""

from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request


def throttle_wait(request, *throttle_classes) -> int | None:
    """Seconds to wait if one of `throttle_classes` refuses this request; None if all allow it."""
    # The per-account throttles read the email from DRF's `request.data`.
    api_request = Request(request, parsers=[FormParser(), MultiPartParser()])
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(api_request, None):
            waits.append(int(throttle.wait() or 60))
    return max(waits, default=None)
