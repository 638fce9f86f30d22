"""The moderators' pages in a real headless Chromium (issues #10 and #11).

Sign in, see a held seed comment's evidence, approve it and the platform is told;
undo; the place kept after a decision (with and without JavaScript); the pages
on a 420 px screen; stored XSS through the signed API proven inert. With
SCREENSHOTS=1 the run also writes the README's pictures into docs/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import PROJECT, running_service

from webhook.signing import sign

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SECRET = "whsec_YnJvd3Nlci10ZXN0LXNlY3JldA=="
# Screenshots are tracked files: only a run that asks rewrites them.
SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test: install chromium and chromium-driver (make test does)", pytrace=False)
    pytest.skip("chromium and chromium-driver are not installed (make test installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def service(tmp_path, callback_platform, free_port):
    platform = callback_platform(SECRET)
    db = tmp_path / "browser.db"
    moderation = str(Path(sys.executable).with_name("moderation"))
    # The seeded demo, as `make run` shows it, whether or not `serve` seeds an empty database.
    subprocess.run([moderation, "seed", "--db", str(db)], text=True, check=True, capture_output=True, cwd=PROJECT)
    subprocess.run([moderation, "user", "add", "maria", "--password-stdin", "--db", str(db)], input="correct horse\n", text=True, check=True, capture_output=True)
    with running_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_CALLBACK_URL": platform.url}) as url:
        yield url, platform


def chromium(tmp_path, name: str, javascript: bool = True):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--user-data-dir={tmp_path / name}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    return driver


@pytest.fixture
def browser(tmp_path):
    driver = chromium(tmp_path, "chrome")
    yield driver
    driver.quit()


@pytest.fixture
def browser_without_javascript(tmp_path):
    driver = chromium(tmp_path, "chrome-nojs", javascript=False)
    yield driver
    driver.quit()


def viewport(driver, width: int, height: int) -> None:
    """Make the page area exactly `width` x `height` CSS pixels (the window frame, if any, added)."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner != [width, height]:
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    assert driver.execute_script("return window.innerWidth") == width


def sign_in(driver, base: str) -> None:
    driver.get(base + "/")
    driver.find_element(By.ID, "name").send_keys("maria")
    driver.find_element(By.ID, "password").send_keys("correct horse")
    driver.find_element(By.CSS_SELECTOR, "#sign-in button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".page-queue"))


def queue_ids(driver) -> list[str]:
    return driver.execute_script("return Array.from(document.querySelectorAll('.queue .item'), e => e.dataset.comment)")


def current(driver) -> dict:
    """The queue's current comment, the focused element's comment, and where the current one sits on the screen."""
    return driver.execute_script(
        "var c = document.querySelector('.item.current'); var f = document.activeElement.closest && document.activeElement.closest('.item');"
        "return {current: c && c.dataset.comment, focused: f && f.dataset.comment, top: c && c.getBoundingClientRect().top,"
        " height: window.innerHeight}")


def press(driver, key: str) -> None:
    """A key on the page, as a moderator types it (the keydown the queue listens to)."""
    webdriver.ActionChains(driver).send_keys(key).perform()


def wait(driver, until, seconds: float = 10):
    # While the page navigates, Chromium may answer for the old page's nodes with a stale-element
    # or an inspector error ("Node ... does not belong to the document"): look again.
    return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException,)).until(until)


def wait_for_callbacks(platform, count: int) -> list:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(platform.received) < count:
        time.sleep(0.2)
    return platform.received


def test_moderator_signs_in_sees_evidence_approves_and_the_platform_is_told(service, browser):
    base, platform = service
    sign_in(browser, base)
    first = browser.find_element(By.CSS_SELECTOR, ".item")
    comment_id = first.get_attribute("data-comment")
    marks = first.find_elements(By.CSS_SELECTOR, "mark.evidence")
    assert marks and marks[0].text
    first.find_element(By.CSS_SELECTOR, "button.approve").click()
    wait(browser, lambda d: comment_id not in queue_ids(d))
    assert wait_for_callbacks(platform, 1), "the signed callback did not arrive"
    assert platform.received[0]["data"] == {**platform.received[0]["data"], "comment_id": comment_id, "action": "approve"}


def test_after_a_key_decision_the_next_comment_is_current_where_the_last_one_was_and_undo_restores_it(service, browser):
    base, platform = service
    viewport(browser, 1280, 900)
    sign_in(browser, base)
    ids = queue_ids(browser)
    assert len(ids) >= 3
    press(browser, "j")
    before = current(browser)
    assert before["current"] == ids[1] and before["focused"] == ids[1]
    press(browser, "a")
    wait(browser, lambda d: ids[1] not in queue_ids(d))
    after = wait(browser, lambda d: (lambda c: c if c["current"] == ids[2] else None)(current(d)))
    # The next comment is current and focused, at the height on the screen where the approved one was.
    assert after["focused"] == ids[2]
    assert abs(after["top"] - before["top"]) <= 2, (before, after)
    toast = browser.find_element(By.ID, "toast")
    assert toast.text.startswith("Approved 1 comment by ")
    # j goes on from there, not from the top.
    press(browser, "j")
    assert current(browser)["current"] == ids[3]
    press(browser, "u")
    wait(browser, lambda d: ids[1] in queue_ids(d))
    restored = wait(browser, lambda d: (lambda c: c if c["current"] == ids[1] else None)(current(d)))
    assert restored["focused"] == ids[1] and 0 <= restored["top"] < restored["height"]
    assert queue_ids(browser) == ids  # back in its place, oldest first
    assert browser.find_element(By.ID, "toast").text.startswith("Undone: 1 comment by ")
    received = wait_for_callbacks(platform, 2)
    assert [(r["data"]["comment_id"], r["data"]["action"]) for r in received] == [(ids[1], "approve"), (ids[1], "hold")]
    assert received[1]["data"]["undoes"] == received[0]["data"]["decision_id"]


def test_undo_of_a_ban_from_the_button_lifts_the_ban(service, browser):
    base, _ = service
    sign_in(browser, base)
    item = browser.find_elements(By.CSS_SELECTOR, ".queue .item")[0]
    comment_id = item.get_attribute("data-comment")
    author = item.find_element(By.CSS_SELECTOR, "a.author").get_attribute("href")
    item.find_element(By.CSS_SELECTOR, "button.ban").click()
    toast = wait(browser, lambda d: d.find_element(By.ID, "toast"))
    assert " and banned " in toast.text or "already banned" in toast.text
    toast.find_element(By.CSS_SELECTOR, "button.undo-button").click()
    wait(browser, lambda d: comment_id in queue_ids(d))
    browser.get(author)
    assert not browser.find_elements(By.CSS_SELECTOR, "h1 .badge-banned")
    bans = browser.find_element(By.CSS_SELECTOR, ".bans").text
    assert "by maria" in bans and "lifted" in bans


def test_without_javascript_a_decision_goes_back_to_the_next_comment_by_its_anchor(service, browser_without_javascript):
    base, _ = service
    browser = browser_without_javascript
    viewport(browser, 1280, 700)
    sign_in(browser, base)
    assert browser.execute_script("return document.querySelectorAll('.item.current').length") == 0  # review.js did not run
    ids = queue_ids(browser)
    anchors = [e.get_attribute("id") for e in browser.find_elements(By.CSS_SELECTOR, ".queue .item")]
    browser.find_elements(By.CSS_SELECTOR, ".queue .item")[1].find_element(By.CSS_SELECTOR, "button.reject").click()
    wait(browser, lambda d: ids[1] not in queue_ids(d))
    assert browser.current_url.endswith("#" + anchors[2])
    box = browser.execute_script(
        "var e = document.getElementById(arguments[0]); return [e.getBoundingClientRect().top, window.innerHeight, e.matches(':target')]", anchors[2])
    assert 0 <= box[0] < box[1] and box[2], box  # the next comment is on the screen, marked as the target
    assert "Rejected 1 comment by" in browser.find_element(By.ID, "toast").text
    browser.find_element(By.CSS_SELECTOR, "#toast button.undo-button").click()
    wait(browser, lambda d: ids[1] in queue_ids(d))


def test_the_pages_fit_a_420_pixel_screen_without_scrolling_sideways(service, browser):
    base, _ = service
    viewport(browser, 420, 860)
    sign_in(browser, base)
    item = browser.find_element(By.CSS_SELECTOR, ".queue .item")
    author = item.find_element(By.CSS_SELECTOR, "a.author").get_attribute("href")
    comment = base + "/comments/" + item.get_attribute("data-comment")
    item.find_element(By.CSS_SELECTOR, "button.reject").click()  # a confirmation on the screen too
    wait(browser, lambda d: d.find_elements(By.ID, "toast"))
    for url in (None, author, comment, base + "/audit", base + "/numbers"):
        if url:
            browser.get(url)
        fit = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth, location.pathname]")
        assert fit[0] <= fit[1], fit
    browser.get(base + "/")
    sizes = browser.execute_script("return Array.from(document.querySelectorAll('.queue .decide button'), b => [b.offsetWidth, b.offsetHeight])")
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes  # big enough to tap


# Stored XSS (issue #11): what strangers post is shown to moderators; none of it may run.
XSS_BODIES = [
    "Obama is a clown <script>window.__xss = 1; alert('script')</script>",
    "Obama is a clown <img src=x onerror=\"window.__xss = 1; alert('img')\">",
    "Obama is a clown, <a href=\"javascript:window.__xss=1;alert('link')\">see here</a>",
    "Obama is a clown <svg onload=\"window.__xss = 1; alert('svg')\"><circle r=9></circle></svg>",
    "Obama is a clown \"><script>window.__xss = 1</script><b title='\" onmouseover=\"window.__xss=1'>x</b>",
    "Obama is a clown {{7*7}} {% print 7*7 %} ${7*7} #{7*7}",
    "Оbаmа is a clown: visit https://раураl.com/login \u2014 gооgle.com",
    "Obama is a clown \u202egnp.exe\u202c and \u2066isolated\u2069 <iframe src=\"javascript:window.__xss=1\"></iframe>",
    "Obama is a clown <style>body { display: none }</style><math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
]
XSS_NAMES = [
    "<img src=x onerror=window.__xss=1>",
    "\"><svg onload=window.__xss=1>",
    "\u202egnp.exe",
    "{{7*7}}",
    "аdmin",  # a Cyrillic а: looks like a moderator's name
    "<script>window.__xss=1</script>",
    "javascript:window.__xss=1",
    "' onfocus='window.__xss=1' autofocus='",
    "Mallory",
]


def post_comment(base: str, comment: dict) -> dict:
    body = json.dumps(comment).encode()
    message_id, timestamp = f"msg_{comment['id'].encode().hex()[:40]}", int(time.time())
    request = urllib.request.Request(base + "/v1/comments", data=body, method="POST", headers={
        "Content-Type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(SECRET, message_id, timestamp, body)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def assert_nothing_ran(driver, where: str) -> None:
    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        pass
    else:
        pytest.fail(f"an alert opened on {where}: {text!r}")
    injected = driver.execute_script(
        "return Array.from(document.querySelectorAll('img, svg, iframe, math, style, table, script:not([src]), "
        "[onerror], [onload], [onmouseover], [onfocus], [autofocus]:not(#name):not(#password), a[href^=\"javascript:\"]'), e => e.outerHTML)")
    assert injected == [], (where, injected)
    assert driver.execute_script("return typeof window.__xss") == "undefined", where


def test_stored_xss_through_the_signed_api_is_shown_as_text_and_never_runs(service, browser):
    base, _ = service
    posted = []
    for i, (body, name) in enumerate(zip(XSS_BODIES, XSS_NAMES)):
        comment = {"id": f"xss-{i}", "body": body, "article": {"id": "seed-article"},
                   "author": {"id": f"attacker-{i}", "display_name": name}}
        if i == 1:
            comment["id"] = "xss-\"><img src=x onerror=window.__xss=1>"
        assert post_comment(base, comment)["action"] == "hold", body
        posted.append(comment)
    # An attacker the engine bans at once, so the audit log shows an engine ban with their name.
    banned = {"id": "xss-ban", "body": "<b>I will find you</b> and slit your throat <img src=x onerror=window.__xss=1>",
              "article": {"id": "seed-article"}, "author": {"id": "attacker-ban", "display_name": "<svg onload=window.__xss=1>"}}
    assert post_comment(base, banned)["action"] == "reject"

    sign_in(browser, base)
    assert_nothing_ran(browser, "the queue")
    shown = browser.execute_script(
        "var out = {}; document.querySelectorAll('.queue .item').forEach(function (e) {"
        " out[e.dataset.comment] = [e.querySelector('.body').textContent, e.querySelector('a.author bdi').textContent]; }); return out")
    for comment in posted:
        assert shown[comment["id"]] == [comment["body"], comment["author"]["display_name"]], comment["id"]
    # Decide on two of them, so they are in the audit log with their text.
    for comment_id, action in ((posted[0]["id"], "reject"), (posted[1]["id"], "ban")):
        button = browser.execute_script(
            "var e = Array.from(document.querySelectorAll('.queue .item')).find(e => e.dataset.comment === arguments[0]);"
            "var b = e.querySelector('button.' + arguments[1]); b.scrollIntoView({block: 'center'}); return b", comment_id, action)
        button.click()
        wait(browser, lambda d, c=comment_id: c not in queue_ids(d))
        assert_nothing_ran(browser, f"the queue after {action}")

    browser.get(base + "/audit")
    assert_nothing_ran(browser, "the audit log")
    entries = browser.execute_script(
        "return Array.from(document.querySelectorAll('.log .entry'), e => [e.dataset.kind, e.dataset.comment,"
        " e.querySelector('.body') && e.querySelector('.body').textContent, e.querySelector('a.author bdi') && e.querySelector('a.author bdi').textContent])")
    assert ["engine", banned["id"], banned["body"], banned["author"]["display_name"]] in entries
    assert ["moderator", posted[0]["id"], posted[0]["body"], posted[0]["author"]["display_name"]] in entries
    assert ["moderator", posted[1]["id"], posted[1]["body"], posted[1]["author"]["display_name"]] in entries

    for comment in posted + [banned]:
        browser.get(base + "/")
        link = browser.execute_script(
            "var a = Array.from(document.querySelectorAll('a.author')).find(a => a.textContent === arguments[0]); return a && a.href",
            comment["author"]["display_name"])
        if link is None:  # decided already, no longer in the queue: the audit log links them
            browser.get(base + "/audit")
            link = browser.execute_script(
                "var a = Array.from(document.querySelectorAll('a.author')).find(a => a.textContent === arguments[0]); return a && a.href",
                comment["author"]["display_name"])
        browser.get(link)
        assert_nothing_ran(browser, f"the author page of {comment['author']['id']}")
        assert browser.find_element(By.CSS_SELECTOR, "h1 bdi").get_attribute("textContent") == comment["author"]["display_name"]
        assert browser.title == comment["author"]["display_name"] + " — Moderation"  # the name does not end the <title>
        bodies = browser.execute_script("return Array.from(document.querySelectorAll('.comments .body'), e => e.textContent)")
        assert bodies == [comment["body"]]
        browser.get(base + "/comments/" + urllib.request.quote(comment["id"], safe=""))
        assert_nothing_ran(browser, f"the page of comment {comment['id']}")
        assert browser.find_element(By.CSS_SELECTOR, ".revision .body").get_attribute("textContent") == comment["body"]


@pytest.mark.skipif(not SCREENSHOTS, reason="SCREENSHOTS=1 writes the README's screenshots into docs/")
def test_screenshots_of_the_seeded_demo(service, browser):
    base, _ = service
    docs = PROJECT / "docs"
    viewport(browser, 1280, 900)
    sign_in(browser, base)
    browser.save_screenshot(str(docs / "queue.png"))
    viewport(browser, 420, 900)
    browser.get(base + "/")
    browser.save_screenshot(str(docs / "queue-narrow.png"))
    # Three decisions, as the numbers picture in the README describes: two held comments approved, one rejected.
    viewport(browser, 1280, 900)
    author = browser.find_element(By.CSS_SELECTOR, ".queue .item a.author").get_attribute("href")
    for action in ("approve", "approve", "reject"):
        ids = queue_ids(browser)
        browser.find_element(By.CSS_SELECTOR, f".queue .item button.{action}").click()
        wait(browser, lambda d, gone=ids[0]: gone not in queue_ids(d))
    viewport(browser, 1280, 1080)
    browser.get(base + "/audit")
    browser.save_screenshot(str(docs / "audit.png"))
    viewport(browser, 1280, 1000)
    browser.get(author)  # the author of the first held comment, approved above
    browser.save_screenshot(str(docs / "author.png"))
    viewport(browser, 1100, 1022)
    browser.get(base + "/numbers")
    browser.save_screenshot(str(docs / "numbers.png"))
