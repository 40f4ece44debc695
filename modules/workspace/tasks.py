from innexar.celery import app
from modules.core.imports import import_jobs_sweep
from modules.tenancy.scope import for_each_tenant


@app.task(name="workspace.import_jobs_sweep_all", ignore_result=True)
def import_jobs_sweep_all() -> int:
    """Every few minutes: in each active tenant, import jobs whose worker went silent become
    failed, so their page stops waiting (core.imports.import_jobs_sweep); returns how many."""
    swept = 0

    def sweep(tenant) -> None:
        nonlocal swept
        swept += import_jobs_sweep()

    for_each_tenant(sweep)
    return swept
