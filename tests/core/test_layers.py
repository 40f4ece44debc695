"""Services and selectors hold the rules; they never reach up into views, forms or the API."""

import ast
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "modules"
UPPER_LAYERS = ("views", "forms", "api", "serializers", "tables", "urls")
DOMAIN_FILES = sorted([*MODULES.glob("*/services.py"), *MODULES.glob("*/selectors.py"), *MODULES.glob("*/schemas.py")])


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
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
