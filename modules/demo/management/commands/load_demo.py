from django.core.management.base import BaseCommand

from modules.core.sites import site_url
from modules.demo.loader import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, STAFF_EMAIL, demo_tenant_ensure, staff_user_ensure


class Command(BaseCommand):
    help = "Create the demo tenant with sample data and a platform staff user (idempotent)."

    def handle(self, *args, **options):
        tenant = demo_tenant_ensure()
        staff_user_ensure()
        self.stdout.write(self.style.SUCCESS("Innexar is ready:"))
        self.stdout.write(f"  Marketing site   {site_url()}/")
        self.stdout.write(f"  Demo workspace   {tenant.workspace_url()}   login {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Platform admin   {site_url('admin')}/   login {STAFF_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"  API docs         {site_url(path='/api/v1/docs/')}")
