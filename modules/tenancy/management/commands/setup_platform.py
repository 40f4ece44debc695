from django.core.management.base import BaseCommand

from modules.tenancy.schemas import spare_pool_replenish
from modules.tenancy.services import public_tenant_ensure


class Command(BaseCommand):
    help = "Create the public tenant and its hosts, and fill the spare-schema pool (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--spares", type=int, default=None, help="Spare schemas to keep ready.")

    def handle(self, *args, spares=None, **options):
        public_tenant_ensure()
        created = spare_pool_replenish(size=spares)
        self.stdout.write(f"Platform ready; {created} spare schema(s) created.")
