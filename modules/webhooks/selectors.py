from django.db.models import QuerySet

from .models import Delivery, Endpoint, EndpointStatus


def endpoint_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.order_by("id")


def delivery_list(endpoint: Endpoint) -> QuerySet[Delivery]:
    """Newest first."""
    return Delivery.objects.filter(endpoint=endpoint).order_by("-id")


def failing_endpoints() -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(status=EndpointStatus.FAILING)
