"""The layers: services and selectors hold the rules and never reach up into views, forms or
the API; and the packages under modules/ stand on each other in one order (docs/modules.md)."""

import ast
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "modules"
UPPER_LAYERS = ("views", "forms", "api", "serializers", "tables", "urls")
DOMAIN_FILES = sorted([*MODULES.glob("*/services.py"), *MODULES.glob("*/selectors.py"), *MODULES.glob("*/schemas.py")])


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """Imports under `if TYPE_CHECKING:`: annotations, not a dependency when the code runs."""
    return {
        child
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING"
        for statement in node.body
        for child in ast.walk(statement)
    }


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    skipped = _type_checking_only(tree)
    names = set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(MODULES)))
def test_domain_code_does_not_import_the_web_layers(path):
    offending = {
        name for name in imported_modules(path)
        if any(part in UPPER_LAYERS for part in name.lstrip(".").split("."))
    }

    assert offending == set()


def test_there_is_domain_code_to_check():
    assert len(DOMAIN_FILES) >= 3


# Bottom to top: a package imports its own layer and the ones below. A package not named here is
# a business module (crm, finance, …): above the workspace shell, below the faces.
LAYERS = (
    {"core"},
    {"tenancy"},
    {"accounts"},
    {"events"},
    {"workspace"},
    None,  # business modules
    {"marketing", "platform_admin", "demo"},
)
BUSINESS = LAYERS.index(None)
PACKAGES = sorted(path.parent.name for path in MODULES.glob("*/__init__.py"))


def layer_of(package: str) -> int:
    return next((index for index, names in enumerate(LAYERS) if names and package in names), BUSINESS)


def package_imports(package: str) -> dict[str, set[str]]:
    """Each file of the package, relative to modules/, with the other modules/* packages it imports."""
    found = {}
    for path in sorted((MODULES / package).rglob("*.py")):
        names = {name.split(".")[1] for name in imported_modules(path) if name.startswith("modules.")}
        found[str(path.relative_to(MODULES))] = names - {package}
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_its_own_layer_and_those_below(package):
    above = {
        file: sorted(name for name in names if layer_of(name) > layer_of(package))
        for file, names in package_imports(package).items()
    }

    assert {file: names for file, names in above.items() if names} == {}


def test_the_layers_cover_the_tree_in_order():
    assert layer_of("core") < layer_of("tenancy") < layer_of("accounts") < layer_of("events")
    assert layer_of("events") < layer_of("workspace") < layer_of("crm") < layer_of("marketing")
    assert {"core", "tenancy", "accounts", "events", "workspace", "crm", "marketing", "demo"} <= set(PACKAGES)


def test_the_layer_check_sees_an_import_from_above(tmp_path):
    file = tmp_path / "phones.py"
    file.write_text(
        "from typing import TYPE_CHECKING\n"
        "from modules.core.money import Money\n"
        "if TYPE_CHECKING:\n    from modules.accounts.models import User\n"
        "def region():\n    from modules.tenancy.selectors import tenant_country\n"
    )

    assert {name for name in imported_modules(file) if name.startswith("modules.")} >= {
        "modules.core.money", "modules.tenancy.selectors",
    }
    assert not any(name.startswith("modules.accounts") for name in imported_modules(file))


@pytest.mark.parametrize("package", PACKAGES)
def test_nothing_in_a_package_imports_its_tasks(package):
    """tasks.py stands on the package's services; they queue its tasks by name (no circle).
    apps.py loads it once the apps are ready, so that every process knows those names."""
    tasks = (".tasks", f"modules.{package}.tasks")
    importers = [
        str(path.relative_to(MODULES))
        for path in sorted((MODULES / package).rglob("*.py"))
        if path.name not in ("tasks.py", "apps.py") and any(name.startswith(tasks) for name in imported_modules(path))
    ]

    assert importers == []
