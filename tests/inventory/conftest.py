"""Inventory fixtures: products and movements made through the services, inside a team's schema
and scope, as a request of that team makes them.

Inventory is on the Professional plan: team_a has it, team_b (Starter) does not. The outsider of
the cross-tenant tests is team_b moved up to Professional for the test (rolled back with it), so
that what refuses our ids is the schema, not the plan gate."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from modules.events.models import Event
from modules.inventory import services
from modules.inventory.models import Product, StockMovement
from modules.tenancy.scope import tenant_scope

HTMX = {"HTTP_HX_REQUEST": "true"}


def ean13(body: str) -> str:
    """A valid EAN-13 from its first 12 digits."""
    return body + services.gtin_check_digit(body)


class Inventory:
    """Make inventory records in one team's workspace, as its admin, the way the API would."""

    _counter = 0

    def __init__(self, team):
        self.team = team

    def run(self, work):
        with tenant_context(self.team.tenant), tenant_scope(self.team.tenant):
            return work()

    def product(self, **fields) -> Product:
        Inventory._counter += 1
        fields = {
            "sku": f"SKU-{Inventory._counter}", "name": f"Product {Inventory._counter}", "sale_price": "10.00",
            **fields,
        }
        for name in ("cost_price", "sale_price", "min_stock", "max_stock"):
            if isinstance(fields.get(name), (str, int)):
                fields[name] = Decimal(fields[name])
        return self.run(lambda: services.product_create(actor=self.team.admin, **fields))

    def move(self, product, type: str, quantity, reason: str | None = None, **fields) -> StockMovement:
        reason = reason or ("purchase" if type == "in" else "sale")
        return self.run(lambda: services.stock_move(
            actor=self.team.admin, product=product, type=type, quantity=Decimal(str(quantity)), reason=reason,
            **fields,
        ))

    def stocked(self, quantity=10, **fields) -> Product:
        product = self.product(**fields)
        self.move(product, "in", quantity)
        return self.fresh(product)

    def fresh(self, product: Product) -> Product:
        return self.run(lambda: Product.objects.get(pk=product.pk))

    def movements(self, **filters) -> list[StockMovement]:
        return self.run(lambda: list(StockMovement.objects.filter(**filters).order_by("id")))

    def events(self, name: str | None = None) -> list[Event]:
        with tenant_context(self.team.tenant):
            events = Event.objects.order_by("id")
            return list(events.filter(name=name) if name else events)

    def query(self, work):
        return self.run(work)


@pytest.fixture
def inventory_a(team_a) -> Inventory:
    return Inventory(team_a)


@pytest.fixture
def admin_api(api, team_a):
    return api(host=team_a.host, user=team_a.admin)


@pytest.fixture
def user_api(api, team_a):
    return api(host=team_a.host, user=team_a.user)


@pytest.fixture
def professional_b(team_b):
    """team_b on the Professional plan, for this test only."""
    team_b.tenant.plan = "professional"
    team_b.tenant.save(update_fields=["plan"])
    return team_b


@pytest.fixture
def outsider_api(api, professional_b):
    """team_b's admin, on a plan with inventory, asking for team_a's ids."""
    return api(host=professional_b.host, user=professional_b.admin)


@pytest.fixture
def member(client, team_a):
    client.force_login(team_a.user)
    client.defaults["HTTP_HOST"] = team_a.host
    return client


@pytest.fixture
def manager_client(client, team_a):
    client.force_login(team_a.manager)
    client.defaults["HTTP_HOST"] = team_a.host
    return client


@pytest.fixture
def outsider(client, professional_b):
    client.force_login(professional_b.admin)
    client.defaults["HTTP_HOST"] = professional_b.host
    return client
