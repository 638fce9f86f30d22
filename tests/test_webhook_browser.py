"""The queue in a real headless Chromium: sign in, see a held seed comment's evidence, approve, the callback arrives."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from webhook.signing import verify

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SECRET = "whsec_YnJvd3Nlci10ZXN0LXNlY3JldA=="

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install chromium and chromium-driver (make test does)", pytrace=False)
    pytest.skip("chromium and chromium-driver are not installed (make test installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class Platform(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        verify(self.headers, body, [SECRET], now=time.time())
        Platform.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def platform():
    Platform.received = []
    server = HTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/moderation-callbacks"
    server.shutdown()


@pytest.fixture
def service(tmp_path, platform, free_port):
    moderation = str(Path(sys.executable).with_name("moderation"))
    db = str(tmp_path / "browser.db")
    subprocess.run([moderation, "user", "add", "maria", "--password-stdin", "--db", db], input="correct horse\n", text=True, check=True, capture_output=True)
    port = free_port
    env = dict(os.environ, MODERATION_WEBHOOK_SECRET=SECRET, MODERATION_CALLBACK_URL=platform)
    process = subprocess.Popen([moderation, "serve", "--port", str(port), "--db", db], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    os.killpg(process.pid, 15)
    process.wait(timeout=10)


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
    browser.get(service + "/")
    browser.find_element(By.ID, "name").send_keys("maria")
    browser.find_element(By.ID, "password").send_keys("correct horse")
    browser.find_element(By.CSS_SELECTOR, "#sign-in button").click()
    first = browser.find_element(By.CSS_SELECTOR, ".item")
    comment_id = first.get_attribute("data-comment")
    marks = first.find_elements(By.CSS_SELECTOR, "mark.evidence")
    assert marks and marks[0].text
    first.find_element(By.CSS_SELECTOR, "button.approve").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(first))  # the queue reloaded
    assert comment_id not in [e.get_attribute("data-comment") for e in browser.find_elements(By.CSS_SELECTOR, ".item")]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not Platform.received:
        time.sleep(0.2)
    assert Platform.received, "the signed callback did not arrive"
    assert Platform.received[0]["data"] == {**Platform.received[0]["data"], "comment_id": comment_id, "action": "approve"}
