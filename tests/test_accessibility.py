"""The built site checked by axe-core (Deque's accessibility engine), page by page.

Every page of the built site is loaded in Debian's chromium, in the light and the dark
colour scheme (the palette follows the system's prefers-color-scheme, which the browser
context sets) and at a desktop and a phone size, and checked by axe-core: no violation of
impact "serious" or "critical" may remain, wherever it comes from (our generated pages, our
CSS and scripts, or the theme's). A failure lists, for each view, each rule with its
impact, how many elements break it and the first of them (page and CSS selector).

axe-core is the copy bundled by the axe-playwright-python package (pyproject's ``test``
extra): its ``axe.min.js`` is added to each page before the page's own scripts run, and it
runs once the page's fonts are in. As in tests/test_browser.py every request to another
host is blocked and counted.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.site_support import (
    ENGINES,
    Traffic,
    built_site,
    guarded_context,
    serve,
)

try:
    import axe_playwright_python
except ImportError:  # fail, never skip: the test extra installs it
    axe_playwright_python = None

BLOCKING = ("critical", "serious")
DESKTOP, PHONE = (1280, 900), (390, 844)
# Which views of every page each builder's site is checked in. axe-core needs seconds on a
# lesson page (about 12,000 elements, most of them KaTeX's): the four views of the MkDocs
# site take about two minutes on two CPUs, the four of both sites nearly five. Zensical's
# site (the same generated Markdown and our CSS and scripts, its own theme) is checked in
# two views that between them cover both schemes and both sizes.
VIEWS = {
    "mkdocs": (("light", DESKTOP), ("light", PHONE), ("dark", DESKTOP), ("dark", PHONE)),
    "zensical": (("light", DESKTOP), ("dark", PHONE)),
}
# axe runs in each page's own renderer process: the views of a page, each in a browser
# context of its own, are checked at once, so both CPUs work.
RUN_AXE = (
    "() => { window.__axe = document.fonts.ready.then(() => axe.run(document, "
    "{resultTypes: ['violations']})); }"
)
AXE_RESULT = "() => window.__axe.then(r => r.violations)"


def axe_source() -> str:
    if axe_playwright_python is None:
        raise AssertionError(
            "axe-playwright-python is missing: pip install -e '.[test]' (it bundles axe-core)"
        )
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> str:
    """Each builder: the same generated Markdown, but each has its own theme (templates,
    CSS, scripts), so each one's site is checked."""
    return request.param


@pytest.fixture(scope="module")
def site(engine) -> Path:
    return built_site(engine)


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def axe_js() -> str:
    return axe_source()


def blocking(violations: list[dict], where: str, found: dict) -> None:
    """Keep, by rule, the serious and critical findings of one page."""
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            continue
        entry = found[violation["id"]]
        entry["impact"] = violation["impact"]
        entry["help"] = violation["help"]
        for node in violation["nodes"]:
            entry["nodes"].append(f"{where} {' '.join(node['target'])}")


def report(found: dict) -> str:
    """Rule by rule, most frequent first: its impact, how many elements, the first few."""
    lines = []
    for rule, entry in sorted(found.items(), key=lambda item: -len(item[1]["nodes"])):
        nodes = entry["nodes"]
        lines.append(f"  {rule} ({entry['impact']}): {len(nodes)} element(s). {entry['help']}")
        lines += [f"      {target}" for target in nodes[:5]]
        if len(nodes) > 5:
            lines.append(f"      ... and {len(nodes) - 5} more")
    return "\n".join(lines)


def new_findings() -> dict:
    return defaultdict(lambda: {"impact": "", "help": "", "nodes": []})


def test_no_page_has_a_serious_or_critical_violation(engine, site, base_url, browser, axe_js):
    traffic = Traffic()
    views = {}
    for scheme, (width, height) in VIEWS[engine]:
        context = guarded_context(
            browser, traffic, viewport={"width": width, "height": height}, color_scheme=scheme
        )
        context.add_init_script(axe_js)
        views[f"{scheme} {width}x{height}"] = (scheme, context, context.new_page())
    visited = html_pages(site)
    assert len(visited) >= 15
    found = {view: new_findings() for view in views}
    try:
        for relative in visited:
            for scheme, _, page in views.values():
                page.goto(base_url + relative, wait_until="load")
                palette = page.evaluate("() => document.body.dataset.mdColorScheme")
                assert palette == ("slate" if scheme == "dark" else "default"), (relative, palette)
                page.evaluate(RUN_AXE)
            for view, (_, _, page) in views.items():
                blocking(page.evaluate(AXE_RESULT), relative, found[view])
    finally:
        for _, context, _ in views.values():
            context.close()
    assert traffic.outside == [], f"requests to other hosts: {traffic.outside}"
    failing = {view: findings for view, findings in found.items() if findings}
    if failing:
        pytest.fail(
            f"axe-core {axe_version(axe_js)} found serious or critical violations on the "
            f"site built by {engine} ({len(visited)} pages):\n"
            + "\n".join(f"{view}:\n{report(findings)}" for view, findings in failing.items()),
            pytrace=False,
        )


def axe_version(source: str) -> str:
    return source[: source.find("\n")].removeprefix("/*! axe ").strip()


def test_the_audit_catches_a_violation_planted_in_a_page(base_url, browser, axe_js):
    """The check above can fail: a checkbox with no name, and grey text on grey, added to a
    page, are reported with their rule, impact and element."""
    context = guarded_context(browser, Traffic(), viewport={"width": 1280, "height": 900})
    context.add_init_script(axe_js)
    page = context.new_page()
    try:
        page.goto(base_url + "index.html", wait_until="load")
        page.evaluate(
            """() => {
                const article = document.querySelector('article');
                article.insertAdjacentHTML('beforeend',
                    '<p><input type="checkbox" id="planted-box"></p>' +
                    '<p id="planted-grey" style="color:#999;background:#aaa">faint</p>');
            }"""
        )
        page.evaluate(RUN_AXE)
        found = new_findings()
        blocking(page.evaluate(AXE_RESULT), "index.html", found)
    finally:
        context.close()
    assert found["label"]["impact"] == "critical"
    assert any("#planted-box" in node for node in found["label"]["nodes"]), report(found)
    assert any("#planted-grey" in node for node in found["color-contrast"]["nodes"])
    assert "label (critical): 1 element(s)" in report(found)
