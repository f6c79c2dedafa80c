"""The leaderboard page in a real headless Chromium: no console errors, sorting, filtering, charts,
and hostile text shown as text, never run."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "leaderboard"))
import lb_simulate as sim  # noqa: E402

from robustbench_xl.leaderboard import build_leaderboard  # noqa: E402

pytestmark = pytest.mark.browser

PAYLOAD = '<script>window.__rbx_pwned = 1</script><img src=x onerror="window.__rbx_pwned = 2">'
NAME_PAYLOAD = '<img src=x onerror="window.__rbx_pwned = 3"> Evil & Co'


def _binaries() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    sim.simulate_benchmark(root / "results", root / "models", langs=("en", "fr", "ja", "zh"),
                           recipes=("charswap", "wordorder"), seeds=(1, 2, 3), n=60)
    # A hostile model: its display name and an adversarial example carry HTML that must stay text.
    sim.write_entry(root / "models", id="evil", display_name=NAME_PAYLOAD, checkpoint="x", base_model="other-base",
                    regime="standard", seed=0, training_data="<b>bold?</b>", notes=PAYLOAD)
    sim.simulate_run(root / "results", "evil", "en", "charswap", n=60, payload=PAYLOAD)
    # One run that is not comparable, so the page lists it.
    sim.simulate_run(root / "results", "xlmr-stilts-s1", "fr", "wordorder", subfolder="old", n=60, recipe_version=0)
    board = build_leaderboard(root / "results", root / "models", root / "site", n_resamples=300)
    return root / "site" / "index.html", board


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    found = _binaries()
    if found is None:
        message = "chromium and chromedriver are needed for the page tests (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def loaded(browser, page):
    browser.get(page[0].as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "true"
    return browser


def visible_rows(driver, table="#cells-table"):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f"{table} tbody tr[data-lang]")


def column(driver, index):
    return [row.find_elements("css selector", "td")[index].text.split("\n")[-1 if index == 0 else 0]
            for row in visible_rows(driver)]


def test_page_loads_without_console_errors_and_saves_a_screenshot(loaded, page, tmp_path):
    errors = [entry for entry in loaded.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    assert loaded.title == "PAWS-X adversarial robustness leaderboard"
    assert len(visible_rows(loaded)) == len(page[1].cells)
    assert len(visible_rows(loaded, "#rq-table")) == len(page[1].comparisons) == 8
    height = loaded.execute_script("return document.documentElement.scrollHeight")
    loaded.set_window_size(1400, min(height, 4000))
    shot = tmp_path / "leaderboard.png"
    assert loaded.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_sorting_by_a_column_orders_the_rows(loaded):
    from selenium.webdriver.common.by import By

    header = loaded.find_element(By.CSS_SELECTOR, 'th[data-sort="accuracy_under_attack"]')
    assert header.get_attribute("aria-sort") == "descending"
    values = [float(v) for v in column(loaded, 7)]
    assert values == sorted(values, reverse=True) and len(set(values)) > 3
    header.click()
    header = loaded.find_element(By.CSS_SELECTOR, 'th[data-sort="accuracy_under_attack"]')
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = [float(v) for v in column(loaded, 7)]
    assert ascending == sorted(values)
    loaded.find_element(By.CSS_SELECTOR, 'th[data-sort="mean_queries"]').click()
    queries = [float(v) for v in column(loaded, 10)]
    assert queries == sorted(queries, reverse=True)
    loaded.find_element(By.CSS_SELECTOR, 'th[data-sort="display_name"]').click()
    names = [row.get_attribute("data-model") for row in visible_rows(loaded)]
    xlmr = [name for name in names if name.startswith("xlmr")]
    # "XLMR standard s1" < ... < "XLMR STILTs (MNLI) s3" in the browser's (case-insensitive) order.
    assert xlmr == sorted(xlmr, key=lambda n: (n.split("-")[1], n))
    loaded.find_element(By.CSS_SELECTOR, 'th[data-sort="display_name"]').click()
    assert [row.get_attribute("data-model") for row in visible_rows(loaded)] == names[::-1]


def test_filters_change_rows_charts_and_examples(loaded, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    total = len(visible_rows(loaded))
    charts_before = len(loaded.find_elements(By.CSS_SELECTOR, "#charts .chart > svg"))
    assert charts_before == 2
    Select(loaded.find_element(By.ID, "filter-lang")).select_by_value("ja")
    rows = visible_rows(loaded)
    assert 0 < len(rows) < total and {r.get_attribute("data-lang") for r in rows} == {"ja"}
    assert {r.get_attribute("data-lang") for r in visible_rows(loaded, "#rq-table")} == {"ja"}
    assert "ja †" in loaded.find_element(By.ID, "charts").text
    Select(loaded.find_element(By.ID, "filter-regime")).select_by_value("stilts")
    rows = visible_rows(loaded)
    assert {r.get_attribute("data-regime") for r in rows} == {"stilts"} and len(rows) == 3 * 2
    points = loaded.find_elements(By.CSS_SELECTOR, "#charts g.point")
    assert points and {p.get_attribute("data-regime") for p in points} == {"stilts"}
    Select(loaded.find_element(By.ID, "filter-recipe")).select_by_value("wordorder")
    assert len(visible_rows(loaded)) == 3
    assert len(loaded.find_elements(By.CSS_SELECTOR, "#charts .chart > svg")) == 1
    loaded.find_element(By.ID, "filter-model").send_keys("s2")
    rows = visible_rows(loaded)
    assert [r.get_attribute("data-model") for r in rows] == ["xlmr-stilts-s2"]
    assert "Showing 1 of" in loaded.find_element(By.ID, "row-count").text
    assert "xlmr-stilts-s2" not in loaded.find_element(By.ID, "examples").text  # cards show display names
    assert "XLMR STILTs (MNLI) s2 · ja †" in loaded.find_element(By.ID, "examples").text
    loaded.find_element(By.ID, "filter-reset").click()
    assert len(visible_rows(loaded)) == total


def test_chart_draws_points_with_error_bars_for_both_regimes(loaded):
    from selenium.webdriver.common.by import By

    points = loaded.find_elements(By.CSS_SELECTOR, "#charts g.point")
    # 2 recipes x 4 languages x (standard + STILTs) arms of xlm-roberta-base, plus the hostile model's arm.
    assert len(points) == 2 * 4 * 2 + 1
    assert {p.get_attribute("data-regime") for p in points} == {"standard", "stilts"}
    assert all(len(p.find_elements(By.CSS_SELECTOR, "line")) == 3 for p in points)
    legend = loaded.find_element(By.CSS_SELECTOR, "#charts .legend").text
    assert "xlm-roberta-base · standard" in legend and "STILTs (mnli)" in legend


def test_hostile_text_is_shown_as_text_and_never_runs(loaded):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    assert loaded.execute_script("return window.__rbx_pwned === undefined")
    assert loaded.find_elements(By.CSS_SELECTOR, "main img") == []
    Select(loaded.find_element(By.ID, "filter-lang")).select_by_value("en")
    loaded.find_element(By.ID, "filter-model").send_keys("evil")
    examples = loaded.find_element(By.ID, "examples").text
    assert "<script>window.__rbx_pwned = 1</script>" in examples
    assert '<img src=x onerror="window.__rbx_pwned = 2">' in examples
    assert NAME_PAYLOAD in loaded.find_element(By.ID, "cells-table").text
    assert loaded.execute_script("return window.__rbx_pwned === undefined")
    assert loaded.find_elements(By.CSS_SELECTOR, "main img, main script") == []


def test_not_comparable_runs_and_method_are_listed(loaded):
    from selenium.webdriver.common.by import By

    issues = loaded.find_element(By.ID, "issues").text
    assert "recipe wordorder version 0 differs from version 1" in issues
    method = loaded.find_element(By.ID, "method").text
    assert "Holm" in method or "holm" in method
    assert "bootstrap" in method


def test_empty_and_unregistered_leaderboards_render_without_errors(browser, tmp_path):
    from selenium.webdriver.common.by import By

    (tmp_path / "empty").mkdir()
    build_leaderboard(tmp_path / "empty", tmp_path / "no-registry", tmp_path / "site-empty", n_resamples=300)
    browser.get((tmp_path / "site-empty" / "index.html").as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "true"
    assert "No results match the filters." in browser.find_element(By.ID, "cells-table").text
    assert "no usable results" in browser.find_element(By.ID, "issues").text
    sim.simulate_run(tmp_path / "results", "my-model", "ko", "char-noise", n=30)
    build_leaderboard(tmp_path / "results", tmp_path / "no-registry", tmp_path / "site-one", n_resamples=300)
    browser.get((tmp_path / "site-one" / "index.html").as_uri())
    assert [r.get_attribute("data-regime") for r in visible_rows(browser)] == ["unregistered"]
    assert "No STILTs/standard pair" in browser.find_element(By.ID, "rq-table").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#charts g.point")) == 1
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
