from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "modules.crm"
    label = "crm"

    def ready(self) -> None:
        from modules.core.references import referrer_register

        from .models import Contact
        from .services import contact_deals_count, contact_deals_refusal

        # Deleting a contact asks every module that refers to it: here, its deals.
        referrer_register(Contact, "crm.deals", count=contact_deals_count, message=contact_deals_refusal)
