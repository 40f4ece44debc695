"""axe-core (package.json, served like the other front-end libraries) in a real Chromium: the
serious and critical violations of a page, and of a module's pages wide and narrow."""

from tests.e2e.conftest import chromium, sign_in

WIDTHS = [1280, 390]
AXE = "/static/vendor/axe-core/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      where: violation.nodes.slice(0, 3).map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
    }));
}"""


def axe_violations_of_pages(base: str, user, pages: dict[str, str]) -> dict[str, list]:
    """`user` signs in at `base` through the form, then each of `pages` (name: path) is checked at
    each width: {"<name> at <width>px": violations} for those that have any."""
    found = {}
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, base, user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                page.add_script_tag(url=AXE)
                violations = page.evaluate(RUN_AXE)
                if violations:
                    found[f"{name} at {width}px"] = violations
    return found
