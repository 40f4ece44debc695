from innexar.celery import app
from modules.tenancy.scope import for_each_tenant
from modules.tenancy.tasks import TenantTask

from .services import deliveries_due_send, delivery_attempt


@app.task(base=TenantTask, name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int, attempt: int) -> None:
    """Try number `attempt` of a delivery, in its workspace's schema (the task carries it)."""
    delivery_attempt(delivery_id=delivery_id, attempt=attempt)


@app.task(base=TenantTask, name="webhooks.deliver_first", ignore_result=True)
def deliver_first(delivery_ids: list[int]) -> None:
    """The first try of each of these deliveries (one endpoint's), in order."""
    for delivery_id in delivery_ids:
        delivery_attempt(delivery_id=delivery_id, attempt=1)


@app.task(name="webhooks.deliveries_due_all", ignore_result=True)
def deliveries_due_all() -> int:
    """Every minute: each workspace's deliveries whose next try has come."""
    return for_each_tenant(lambda tenant: deliveries_due_send())
