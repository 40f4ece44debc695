from django.apps import AppConfig


class InventoryStandInConfig(AppConfig):
    name = "tests.tenancy.inventory_stand_in"
    label = "inventory"
