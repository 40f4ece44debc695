"""What a deploy pays to run `migrate_schemas` when no migration is pending, per tenant.

  ours          `migrate_schemas`: Django's migrate in the public schema, then one small query per
                tenant schema to see it has every migration on disk; migrate only those behind.
  all-schemas   `migrate_schemas --all-schemas`: Django's migrate in every schema, the old way.
  public only   `migrate_schemas --shared`: the part both pay once, whatever the tenant count.

The tenants come from the spare pool through the signup service (fast to create); the timed
runs alternate and the median of `--repeat` runs is kept, after one untimed warm-up run. The
cost per tenant is (total - public only) / tenants, which is what the extrapolation scales.

    .venv/bin/python bench/migrate_noop.py [--tenants 50] [--repeat 5] [--extra-migrations 0]
"""

import argparse
import os
from time import perf_counter

from harness import (
    PASSWORD,
    Samples,
    add_extra_migrations_option,
    bench_database,
    extra_migrations_app,
    ms,
    ratio,
    server_description,
    setup_django,
)

EXTRAPOLATE_TO = 1_000


def create_tenants(count: int) -> list[str]:
    from django.db import connection

    from modules.accounts.signup import tenant_signup
    from modules.tenancy.schemas import spare_pool_replenish

    start = perf_counter()
    spare_pool_replenish(size=count)
    for number in range(1, count + 1):
        subdomain = f"tenant-{number:04d}"
        tenant_signup(
            name=f"Tenant {number}",
            subdomain=subdomain,
            plan="starter",
            admin_name="Admin",
            admin_email=f"admin@{subdomain}.example.com",
            admin_password=PASSWORD,
        )
    connection.set_schema_to_public()
    print(f"setup, untimed: {count} tenants (spare pool + signup service) in {perf_counter() - start:.1f} s")
    from modules.tenancy.models import Tenant

    return list(Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True))


def timed_migrate(**options) -> float:
    from django.core.management import call_command

    start = perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0, **options)
    return perf_counter() - start


def check_command_is_ours() -> None:
    """`manage.py migrate_schemas` must be modules.tenancy's, or there is nothing to measure."""
    from django.core.management import get_commands

    owner = get_commands()["migrate_schemas"]
    if owner != "modules.tenancy":
        raise SystemExit(
            f"`migrate_schemas` resolves to {owner}'s command, not modules.tenancy's: "
            "put modules.tenancy before django_tenants in INSTALLED_APPS (the first app wins)"
        )


def run(tenants: int, repeat: int, extra_migrations: int) -> None:
    from modules.tenancy.models import SpareSchema
    from modules.tenancy.schemas import migration_keys, schemas_with_pending_migrations

    print(f"migrate_schemas no-op benchmark: {server_description()}")
    print(
        f"{len(migration_keys())} migrations on disk ({extra_migrations} of them generated); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )
    check_command_is_ours()
    schemas = create_tenants(tenants)
    if SpareSchema.objects.exists() or schemas_with_pending_migrations(schemas):
        raise SystemExit("expected every tenant up to date and no spare left")

    variants = {
        "ours": ({}, Samples("migrate_schemas (ours: skip up-to-date schemas)")),
        "all": ({"all_schemas": True}, Samples("migrate_schemas --all-schemas (migrate in each)")),
        "public": ({"shared": True}, Samples("migrate_schemas --shared (public schema only)")),
    }
    timed_migrate()  # warm-up: imports, migration graph, connections
    for _ in range(repeat):
        for options, samples in variants.values():
            samples.add(timed_migrate(**options))
    if schemas_with_pending_migrations(schemas):
        raise SystemExit("a no-op run left a schema behind")

    public = variants["public"][1].median
    print()
    header = f"{tenants} tenants, median of {repeat} runs"
    print(f"{header:<50}{'total':>11}{'per tenant':>13}{f'at {EXTRAPOLATE_TO:,} tenants':>20}")
    per_tenant = {}
    for key in ("ours", "all"):
        samples = variants[key][1]
        per_tenant[key] = (samples.median - public) / tenants
        estimate = public + per_tenant[key] * EXTRAPOLATE_TO
        print(f"{samples.label:<50}{samples.median:>10.2f}s{ms(per_tenant[key]):>13}{estimate:>19.1f}s")
    print(f"{variants['public'][1].label:<50}{public:>10.2f}s")
    print()
    per_tenant_ratio = (
        f"{ratio(per_tenant['all'], per_tenant['ours'])} per tenant"
        if per_tenant["ours"] > 0
        else "ours per tenant is below the timing noise (try more tenants or --repeat)"
    )
    total_ratio = ratio(variants["all"][1].median, variants["ours"][1].median)
    print(f"ratio all-schemas/ours: {total_ratio} in total, {per_tenant_ratio}")
    print("per tenant = (total - public only) / tenants; at 1,000 = public only + 1,000 x per tenant")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=50, help="tenants to create (default 50)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each variant (default 5)")
    add_extra_migrations_option(parser)
    args = parser.parse_args()
    if args.tenants < 1 or args.repeat < 1:
        parser.error("--tenants and --repeat must be at least 1")

    with bench_database(), extra_migrations_app(args.extra_migrations) as extra_apps:
        # The setup creates a user per tenant; nothing timed hashes a password.
        setup_django(extra_apps=extra_apps, fast_password_hasher=True)
        run(args.tenants, args.repeat, args.extra_migrations)


if __name__ == "__main__":
    main()
