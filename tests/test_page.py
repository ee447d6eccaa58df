"""The page at `/`, in a real browser (Debian's chromium driven by Playwright): a person uploads a
fact file and reads the verdicts, switches to English, and sees a bad file's problems."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from pysvc.engine import Engine
from pysvc.facts import load_fact_file
from pysvc.render import STATUS_LABEL
from pysvc.server import create_app

from .conftest import CHROMIUM_FLAGS, ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = list(CHROMIUM_FLAGS)
EXAMPLE = ROOT / "facts" / "examples" / "3.1-software-and-internet-multi.yaml"


@pytest.fixture(scope="module")
def server(engine: Engine) -> Iterator[str]:
    """The app served by uvicorn on a free port of 127.0.0.1, for the module's tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str):
    if CHROMIUM is None:
        pytest.skip("no chromium installed (apt-get install chromium); Playwright cannot download browsers here")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(20_000)
        page.goto(server)
        page.wait_for_selector("body[data-ready=true]")
        yield page
        browser.close()


def shown_verdicts(page) -> dict[str, str]:
    rows = page.locator("#verdicts tbody tr[data-programme]")
    return {
        row.get_attribute("data-programme"): row.locator("td.status").get_attribute("data-status") for row in rows.all()
    }


def test_uploading_an_example_shows_its_verdicts_report_and_downloads(
    page, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected = {
        r.programme.id: r.status
        for r in engine.assess_one(load_fact_file(EXAMPLE)).programmes
        if r.status != "out_of_scope"
    }
    assert len(set(expected.values())) > 1, "the example should show more than one verdict"
    page.set_input_files("#file", str(EXAMPLE))
    page.wait_for_selector("#verdicts tbody tr[data-programme]")
    assert shown_verdicts(page) == expected
    for pid, status in expected.items():
        cell = page.locator(f'#verdicts tr[data-programme="{pid}"] td.status')
        assert cell.text_content() == STATUS_LABEL["zh"][status]
    report = page.frame_locator("#report")
    assert "上海易联云智软件股份有限公司" in report.locator("body").text_content()
    assert report.locator("section.programme").count() == len(expected)
    assert page.get_attribute("#download-html", "href").startswith("blob:")
    assert page.get_attribute("#download-json", "download") == f"{EXAMPLE.stem}.result.json"
    with page.expect_download() as download:
        page.click("#download-json")
    assert '"schema": "svctrade.result/1"' in Path(download.value.path()).read_text(encoding="utf-8")
    shot = tmp_path_factory.mktemp("page") / "page-zh.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.click("#lang-en")
    first = next(iter(expected))
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.locator(f'#verdicts tr[data-programme="{first}"] td.status')).to_have_text(
        STATUS_LABEL["en"][expected[first]]
    )
    assert shown_verdicts(page) == expected
    assert page.text_content("#assess") == "Assess"
    expect(page.frame_locator("#report").locator("body")).to_contain_text("application year")


def test_a_bad_fact_file_shows_its_problems_on_the_page(page) -> None:
    page.fill("#facts", "year: 2024\nentity: {name: x, kind: enterprize}\n")
    page.click("#assess")
    page.wait_for_selector("#problems:not([hidden]) li")
    problems = page.locator("#problems li").all_text_contents()
    assert any("entity.kind: unknown value 'enterprize'" in p for p in problems), problems
    assert page.is_hidden("#summary")
