"""report.html in a real headless Chromium (Debian's chromium + chromedriver, no downloads).

Skipped, with the reason, only when chromium or chromedriver is not installed; `.ci/run`
installs both so CI runs it. Screenshots, if any, go to pytest's tmp_path, never the repo.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from empathy_audit import audit
from empathy_audit.formatters.report_files import write_report

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1200,1600"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report")
    write_report(audit([ROOT / "samples"]), out)
    return (out / "report.html").as_uri()


def _severe_logs(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_report_renders_without_console_errors(browser, report_url):
    browser.get(report_url)
    assert browser.title == "Empathy audit report"
    assert _severe_logs(browser) == []


def test_charts_drew(browser, report_url):
    browser.get(report_url)
    for chart in ("agent-chart", "score-chart", "missed-chart"):
        box = browser.execute_script(
            "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
            "return [r.width, r.height];", chart)
        assert box[0] > 100 and box[1] > 50, f"{chart} has no size: {box}"
    cells = browser.execute_script(
        "return document.querySelectorAll('#agent-chart g.cell rect').length")
    bars = browser.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('#score-chart rect'),"
        " function (r) { return r.getBBox().height > 0; }).length")
    assert cells == 4 * 5  # four sample agents, five behaviours
    assert bars >= 2


def test_conversation_link_opens_the_turn_by_turn_view(browser, report_url, tmp_path):
    from selenium.webdriver.common.by import By
    browser.get(report_url)
    first = browser.find_element(By.CSS_SELECTOR, "#lowest-table a.conv-link")
    target = first.get_attribute("href").split("#", 1)[1]
    view = browser.find_element(By.ID, target)
    assert not view.is_displayed()
    first.click()
    assert view.is_displayed()
    assert view.get_attribute("data-conversation-id") == first.text
    assert view.find_elements(By.CSS_SELECTOR, "mark.evidence")
    missed = view.find_elements(By.CSS_SELECTOR, ".turn.has-missed .missed-note")
    assert missed and all(note.is_displayed() for note in missed)
    browser.save_screenshot(str(tmp_path / "conversation.png"))
    assert _severe_logs(browser) == []


def test_pager_moves_between_pages(browser, tmp_path):
    from tests.synthetic import synthetic_result
    from selenium.webdriver.common.by import By
    write_report(synthetic_result(60), tmp_path)
    browser.get((tmp_path / "report.html").as_uri())
    visible = lambda: [r for r in browser.find_elements(By.CSS_SELECTOR, "#lowest-table tbody tr")
                       if r.is_displayed()]
    first_page = [r.text for r in visible()]
    assert len(first_page) == 20
    browser.find_element(By.XPATH, "//nav[@id='pager']/button[2]").click()
    second_page = [r.text for r in visible()]
    assert len(second_page) == 20 and set(first_page).isdisjoint(second_page)
    assert _severe_logs(browser) == []


def test_agent_names_link_to_their_scorecards(browser, report_url):
    browser.get(report_url)
    links = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('#agent-chart a'),"
        " function (a) { return a.getAttribute('href'); })")
    assert sorted(links) == ["scorecards/carrier-rep-dana.csv", "scorecards/store-rep-lee.csv",
                             "scorecards/support-max.csv", "scorecards/support-sam.csv"]
    base = Path(report_url.removeprefix("file://")).parent
    assert all((base / link).is_file() for link in links)
