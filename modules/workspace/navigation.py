"""The business modules the workspace sidebar lists, and the plan feature each one needs.

Modules not built yet answer with an empty-state page that says what they will do; when a
module ships (its app is installed: `Feature.available`), its own URLs (namespace = its key)
replace the placeholder and `has_pages` points the sidebar at them.
"""

from dataclasses import dataclass

from babel.lists import format_list
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from modules.core.money import format_locale
from modules.tenancy.plans import Feature, Plan, available_features, cheapest_plan_with, plan_includes


@dataclass(frozen=True)
class WorkspaceModule:
    key: str  # the path segment, and the URL name: /crm/ is "crm:home", or "workspace:crm" before it ships
    title: Promise
    icon: str  # a heroicons outline name, drawn with {% heroicon_outline module.icon %}
    feature: Feature
    summary: Promise
    promises: tuple[Promise, ...]

    @property
    def has_pages(self) -> bool:
        return self.feature.available

    @property
    def url_name(self) -> str:
        return f"{self.key}:home" if self.has_pages else f"workspace:{self.key}"


MODULES: tuple[WorkspaceModule, ...] = (
    WorkspaceModule(
        "crm",
        _("CRM"),
        "users",
        Feature.CRM,
        _("Keep every lead, contact and deal in one place and never miss a follow-up."),
        (
            _("Capture leads and import them from CSV"),
            _("Move deals across a drag-and-drop pipeline"),
            _("Schedule calls, meetings and tasks with reminders"),
        ),
    ),
    WorkspaceModule(
        "finance",
        _("Finance"),
        "banknotes",
        Feature.FINANCE,
        _("Know what you owe, what you are owed and what your cash will look like next month."),
        (
            _("Track payables and receivables with due dates"),
            _("Import bank statements (OFX, CSV) and reconcile them"),
            _("See your cash flow by day, week and month"),
        ),
    ),
    WorkspaceModule(
        "invoicing",
        _("Invoicing"),
        "document-text",
        Feature.INVOICING,
        _("Bill your customers the way their country expects, and get paid faster."),
        (
            _("Issue NF-e in Brazil and CFDI in Mexico"),
            _("Send Stripe payment links, boletos and PIX charges"),
            _("Run recurring subscriptions with automatic billing"),
        ),
    ),
    WorkspaceModule(
        "inventory",
        _("Inventory"),
        "cube",
        Feature.INVENTORY,
        _("Know what is on your shelves and what to reorder before it runs out."),
        (
            _("Manage products with SKUs, barcodes, cost and sale prices"),
            _("Record stock movements and inventory counts"),
            _("Get low-stock alerts"),
        ),
    ),
    WorkspaceModule(
        "projects",
        _("Projects"),
        "view-columns",
        Feature.PROJECTS,
        _("Plan the work, track the time and deliver on schedule."),
        (
            _("Organise tasks on a Kanban board"),
            _("Track time per task and per person"),
            _("Follow deadlines on a Gantt chart"),
        ),
    ),
    WorkspaceModule(
        "integrations",
        _("Integrations"),
        "puzzle-piece",
        Feature.INTEGRATIONS,
        _("Connect Innexar to the tools you already use."),
        (
            _("Sync customers and invoices with QuickBooks"),
            _("Receive Stripe payments automatically"),
            _("Talk to customers on WhatsApp"),
        ),
    ),
    WorkspaceModule(
        "analytics",
        _("Analytics & reports"),
        "chart-bar",
        Feature.ANALYTICS,
        _("See how the business is doing at a glance, and share it."),
        (
            _("Dashboards for sales, finance and projects"),
            _("Export reports as PDF, Excel and CSV"),
            _("Schedule reports by email"),
        ),
    ),
    WorkspaceModule(
        "webhooks",
        _("Webhooks"),
        "bolt",
        Feature.WEBHOOKS,
        _("Let your own systems react the moment something happens in Innexar."),
        (
            _("Subscribe URLs to events such as invoice paid or deal won"),
            _("Signed payloads and automatic retries"),
            _("A delivery log to see what was sent and what came back"),
        ),
    ),
)


@dataclass(frozen=True)
class ModuleEntry:
    module: WorkspaceModule
    # The cheapest plan that includes the module, when the tenant's plan does not; else None.
    required_plan: Plan | None

    @property
    def included(self) -> bool:
        return self.required_plan is None


def module_entries(plan: str) -> list[ModuleEntry]:
    return [
        ModuleEntry(
            module, None if plan_includes(plan, module.feature) else cheapest_plan_with(module.feature)
        )
        for module in MODULES
    ]


def available_module_titles(plan: str) -> str:
    """The modules a workspace on `plan` can use today, as a sentence's list: "CRM and Finance"."""
    available = set(available_features(plan))
    titles = [str(module.title) for module in MODULES if module.feature in available]
    return format_list(titles, locale=format_locale())
