from modules.tenancy.commands import TenantCommand

from ...scoring import leads_rescore, score_model_train


class Command(TenantCommand):
    help = "Retrain a workspace's lead-score model now and rescore its open leads (after a bulk load, say)."

    def handle_tenant(self, tenant, *args, **options):
        score_model_train()
        changed = leads_rescore()
        self.stdout.write(f"{tenant.subdomain}: {changed} lead scores changed.")
