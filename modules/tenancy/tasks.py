from innexar.celery import app

from .schemas import spare_pool_replenish


@app.task(name="tenancy.replenish_spare_schemas", ignore_result=True)
def replenish_spare_schemas() -> int:
    """Keep the spare-schema pool full; running it twice at once at worst adds one spare."""
    return spare_pool_replenish()
