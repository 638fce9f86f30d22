"""The queue in a real headless Chromium: sign in, see a held seed comment's evidence, approve, the callback arrives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import running_service

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SECRET = "whsec_YnJvd3Nlci10ZXN0LXNlY3JldA=="

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install chromium and chromium-driver (make test does)", pytrace=False)
    pytest.skip("chromium and chromium-driver are not installed (make test installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def service(tmp_path, callback_platform, free_port):
    platform = callback_platform(SECRET)
    db = tmp_path / "browser.db"
    moderation = str(Path(sys.executable).with_name("moderation"))
    subprocess.run([moderation, "user", "add", "maria", "--password-stdin", "--db", str(db)], input="correct horse\n", text=True, check=True, capture_output=True)
    with running_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_CALLBACK_URL": platform.url}) as url:
        yield url, platform


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def test_moderator_signs_in_sees_evidence_approves_and_the_platform_is_told(service, browser):
    base, platform = service
    browser.get(base + "/")
    browser.find_element(By.ID, "name").send_keys("maria")
    browser.find_element(By.ID, "password").send_keys("correct horse")
    browser.find_element(By.CSS_SELECTOR, "#sign-in button").click()
    first = browser.find_element(By.CSS_SELECTOR, ".item")
    comment_id = first.get_attribute("data-comment")
    marks = first.find_elements(By.CSS_SELECTOR, "mark.evidence")
    assert marks and marks[0].text
    first.find_element(By.CSS_SELECTOR, "button.approve").click()

    def approved_one_gone(driver) -> bool:
        return comment_id not in [e.get_attribute("data-comment") for e in driver.find_elements(By.CSS_SELECTOR, ".item")]

    # The queue reloads without the approved comment. While the page navigates,
    # Chromium may answer for the old page's nodes with a stale-element or an
    # inspector error ("Node ... does not belong to the document"): look again.
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(approved_one_gone)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not platform.received:
        time.sleep(0.2)
    assert platform.received, "the signed callback did not arrive"
    assert platform.received[0]["data"] == {**platform.received[0]["data"], "comment_id": comment_id, "action": "approve"}
