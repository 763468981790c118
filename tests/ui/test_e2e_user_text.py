"""End to end: hostile user text in a real browser (issue 14, item 8). An exercise whose
injects, notes, answers and rationales carry Markdown images, HTML and links is opened in
headless Chromium on Play and Hotwash; the browser must ask for nothing outside the app and
draw no image, link or element from that text."""

from __future__ import annotations

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from tests import hostile
from tests.conftest import DEFAULT_SCENARIO
from tests.ui.test_e2e import ARGS, CHROMIUM, _chromium, server  # noqa: F401 (fixtures)


def _exercise(db) -> Exercise:
    text = hostile.hostile_scenario_text(DEFAULT_SCENARIO, names=False)
    ex = Exercise.start(text, "hostile.yaml", seed=3, teams={"west": "human"}, turns=6,
                        title="Hostile text", store=ExerciseStore(db))
    payload = " ".join(hostile.MARKUP)
    ex.submit("west", [], f"rationale {payload}", turn=ex.pending_turn)
    ex.note(f"note {payload}", 0)
    ex.add_inject(f"ad hoc {payload}", from_=f"sender {hostile.IMAGE_HTTP}")
    ex.adjudicate()
    ex.add_inject(f"next {payload}", from_=f"sender {hostile.IMG_ONERROR}")
    return ex


def test_hostile_text_fetches_nothing_in_a_browser(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    ex = _exercise(tmp_path / "exercises.sqlite")
    requests: list[str] = []
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(60_000)
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (requests.append(f"dialog {d.message}"), d.dismiss()))
            for path in ("play", "hotwash"):
                page.goto(f"{server}/{path}?exercise={ex.id}")
                expect(page.get_by_text("Hostile text").first).to_be_visible()
                if path == "play":
                    page.get_by_text("next ").first.click()  # open the inject's expander
                    expect(page.locator("p:visible", has_text="evil.example").first
                           ).to_be_visible()  # the hostile text is on the page, as text
                else:
                    expect(page.get_by_text("turn 0: note").first).to_be_visible()
                page.wait_for_timeout(1500)
                shown = page.evaluate("""() => ({
                    images: [...document.images].map(i => i.src),
                    links: [...document.links].map(a => a.href),
                    svgs: [...document.querySelectorAll('svg[onload]')].length})""")
                assert not [s for s in shown["images"] if hostile.EVIL_HOST in s], shown
                assert not [h for h in shown["links"] if hostile.EVIL_HOST in h
                            or h.startswith("javascript:")], shown
                assert shown["svgs"] == 0
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(server) and not u.startswith("data:")
               and not u.startswith("blob:")]
    assert outside == []
