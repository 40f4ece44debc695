"""Who may see or change a webhook: its workspace's managers and admins (the API and the pages
let nobody else in); an id of another workspace is a 404, as everywhere."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from modules.core.access import manages, record_access

from .models import Delivery, Endpoint


def webhooks_check(actor) -> None:
    if not manages(actor):
        raise PermissionDenied(_("Only a manager or an admin can manage webhooks."))


def access_endpoint(actor, endpoint_id, *, for_write: bool = False, for_delete: bool = False) -> Endpoint:
    webhooks_check(actor)
    return record_access(actor, Endpoint.objects.all(), endpoint_id, for_write=for_write, for_delete=for_delete)


def access_delivery(actor, endpoint: Endpoint, delivery_id) -> Delivery:
    """A delivery of `endpoint` (a 404 for another endpoint's)."""
    try:
        return Delivery.objects.select_related("endpoint").get(endpoint=endpoint, pk=int(delivery_id))
    except (Delivery.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
