"""axe-core in the browser tests: every document a page loads is checked, and serious or critical violations fail.

axe is evaluated in the page through the DevTools protocol (`page.evaluate`), which the app's Content-Security-Policy
(`script-src 'self'`) does not govern; a <script> tag with the same text would be refused as inline script.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
SNIPPET_CHARS = 160

_RUN_AXE = """async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String),
        html: node.html,
        summary: node.failureSummary || "",
      })),
    }));
}"""


def serious_violations(page) -> list[dict]:
    """The violations of impact serious or critical that axe finds in the page's current document."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE, list(FAILING_IMPACTS))


def describe_violations(url: str, violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, help, then each element's selector, snippet and reason."""
    lines = [f"axe: {len(violations)} serious or critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            snippet = " ".join(node["html"].split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[: SNIPPET_CHARS - 1] + "…"
            reason = " ".join(node["summary"].splitlines()[1:2]).strip()  # the first reason after "Fix …:"
            lines.append(f"    {' '.join(node['target'])}  {snippet}")
            if reason:
                lines.append(f"      {reason}")
    return "\n".join(lines)


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@dataclass
class _Watched:
    loaded: list[str] = field(default_factory=list)
    checked: dict[float, str] = field(default_factory=dict)  # by the document's performance.timeOrigin


class Accessibility:
    """Checks pages with axe and remembers, per page, which documents were loaded and which were checked."""

    def __init__(self) -> None:
        self._pages: dict[int, _Watched] = {}
        self.deferred: list[str] | None = None

    def watch(self, page) -> None:
        watched = _Watched()
        self._pages[id(page)] = watched
        page.on("load", lambda loaded: watched.loaded.append(_without_fragment(loaded.url)))

    def check(self, page) -> None:
        """Run axe on page's current document, once per document; fail (or record, see defer) on a serious or
        critical violation."""
        watched = self._pages[id(page)]
        document = page.evaluate("performance.timeOrigin")
        if document in watched.checked:
            return
        found = serious_violations(page)
        watched.checked[document] = _without_fragment(page.url)
        if found and self.deferred is not None:
            self.deferred.append(describe_violations(page.url, found))
        else:
            assert not found, describe_violations(page.url, found)

    def defer(self) -> None:
        """From now on, record each failing page's report in `deferred` instead of failing: a test sees them all."""
        self.deferred = []

    def unchecked(self) -> list[str]:
        """URLs of the documents loaded but never checked (a URL loaded twice must be checked twice)."""
        missing: Counter[str] = Counter()
        for watched in self._pages.values():
            missing += Counter(watched.loaded) - Counter(watched.checked.values())
        return sorted(missing.elements())
