"""The business modules the workspace sidebar lists, and the plan feature each one needs.

An installed module's entry comes from its descriptor (registry.py). Modules not built yet are
listed here and answer with an empty-state page that says what they will do; when one ships,
its entry moves into its descriptor, its own URLs (namespace = its key) replace the placeholder
and `has_pages` points the sidebar at them.
"""

from dataclasses import dataclass

from babel.lists import format_list
from django.utils.functional import Promise

from modules.core.money import format_locale
from modules.tenancy.plans import Feature, Plan, available_features, cheapest_plan_with, plan_includes

from .registry import ModuleDescriptor, installed_modules


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

    @classmethod
    def of(cls, module: ModuleDescriptor) -> "WorkspaceModule":
        entry = module.sidebar
        return cls(module.key, entry.title, entry.icon, module.feature, entry.summary, entry.promises)


# Every module the plans name has shipped; one planned next waits here, shown as coming soon,
# until its app is installed.
COMING_SOON: tuple[WorkspaceModule, ...] = ()


def _sidebar() -> tuple[WorkspaceModule, ...]:
    """The installed modules' entries and the coming-soon ones, in the plans' order of features."""
    installed = [WorkspaceModule.of(module) for module in installed_modules()]
    keys = {module.key for module in installed}
    order = list(Feature)
    entries = installed + [module for module in COMING_SOON if module.key not in keys]
    return tuple(sorted(entries, key=lambda module: order.index(module.feature)))


MODULES = _sidebar()


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
