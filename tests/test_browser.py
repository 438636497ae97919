"""Real-browser tests: headless Chromium (Debian's chromium + chromedriver) against uvicorn on a free port.

From search to a person to an article; the person page's summary, tabs and chart (no two marks overlap); the
entity index and a quote list whose facets change the list and whose CSV export is the list; unsure attributions
marked; a hostile 500-character outlet name wraps; a right-to-left override in a quote shows its words in order.
Screenshots go to $ONRECORD_SCREENSHOTS (default artifacts/screenshots) for a human to look at.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import web_support as ws

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; CI installs them)")]


@contextlib.contextmanager
def serving(db: Path) -> Iterator[str]:
    """uvicorn serving the store at ``db`` on a free port, in a thread; yields the base URL."""
    import uvicorn

    from onrecord.web.app import create_app

    app = create_app(str(db))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with serving(ws.demo_store(tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="module")
def awkward_url(tmp_path_factory):
    with serving(ws.awkward_store(tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a browser or a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                "--disable-dev-shm-usage"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.implicitly_wait(3)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots() -> Path:
    path = Path(os.environ.get("ONRECORD_SCREENSHOTS") or "artifacts/screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(driver, path: Path, name: str) -> None:
    """A full-page PNG (the window grows to the page height, up to 6000 pixels)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 800), 6000))
    driver.save_screenshot(str(path / name))
    driver.set_window_size(1280, 1000)
    assert (path / name).stat().st_size > 10_000


def console_errors(driver) -> list[str]:
    """Console errors, CSP violations included (a blocked inline script or style shows up here)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def fits_the_window(driver) -> bool:
    """Nothing pushes the page wider than the window (no horizontal scrolling), once the layout has settled."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, 3, poll_frequency=0.1).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.documentElement.scrollWidth <= window.innerWidth"))
    except TimeoutException:
        return False


def test_from_search_to_a_person_to_an_article(browser, base_url, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/")
    screenshot(browser, shots, "01-home.png")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Corbyn")
    box.submit()
    WebDriverWait(browser, 10).until(lambda d: "Corbyn" in d.title)  # the results page has loaded
    person = browser.find_element(By.XPATH, "//ul[@class='people']//a[starts-with(., 'Jeremy Corbyn')]")
    assert browser.find_elements(By.CSS_SELECTOR, "mark.hit")  # the search words are marked in the quotes
    screenshot(browser, shots, "02-search.png")
    person.click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Jeremy Corbyn")
    summary = browser.find_element(By.ID, "summary").text
    assert "Leader of the Labour Party" in summary and "The Sun" in summary
    marks = browser.find_elements(By.CSS_SELECTOR, "svg.timeline path.dot")
    assert len(marks) >= 10, "the stance chart has too few statements"
    # the chart's marks are filled with their label's colour by the stylesheet (not the SVG default black)
    fills = {d.get_attribute("data-label"): d.value_of_css_property("fill") for d in marks
             if "claimed" not in (d.get_attribute("class") or "")}
    assert len(set(fills.values())) >= 3 and "rgb(0, 0, 0)" in fills.values()  # accuse is black, on purpose
    # labels of one shape are told apart by colour: since issue 22's sixth round his "criticise" stances sit under
    # the cut, so demand and urge (one shape, the chart's default view) show it
    assert fills["demand"] != fills["urge"]
    # no two marks overlap on screen
    boxes = [m.rect for m in marks]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)
    assert browser.find_elements(By.CSS_SELECTOR, "figcaption svg.glyph")  # a legend of shapes and colours
    assert "set against" in browser.find_element(By.ID, "contradictions-link").text
    screenshot(browser, shots, "03-person.png")
    # "what has he said about Assad, and who says otherwise?": one click on the topic, one on the tab
    browser.find_element(By.XPATH, "//ul[@class='topics']//a[starts-with(., 'Bashar al-Assad')]").click()
    WebDriverWait(browser, 10).until(lambda d: "about=Assad" in d.current_url)
    browser.find_element(By.ID, "tab-claims").click()
    WebDriverWait(browser, 10).until(lambda d: "tab=claims" in d.current_url)
    groups = browser.find_elements(By.CSS_SELECTOR, "#counter .claimgroup")
    assert groups and "The Sun" in groups[0].find_element(By.CSS_SELECTOR, ".claims").text
    assert "condemn" in groups[0].find_element(By.CSS_SELECTOR, ".counters").text
    # the group says whose words the claims are set against: his own (the 2016 letter) or his spokesperson's
    assert re.search(r"against their (own|spokesperson's) words", groups[0].text)
    screenshot(browser, shots, "03b-person-claims-about-assad.png")
    # no quote of his names Assad since only speech is a quote ("mentioning Assad" was one): back to the whole page
    browser.back()
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "about=" not in d.current_url)
    browser.find_element(By.ID, "tab-said").click()
    WebDriverWait(browser, 10).until(lambda d: "tab=said" in d.current_url)
    link = browser.find_element(By.CSS_SELECTOR, "#said li.quote a[href*='#q-']")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    assert browser.current_url.endswith("#" + anchor)
    check_article_page(browser, shots, anchor)
    assert not console_errors(browser)


def test_entity_index_facets_and_sort(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/entities")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.entities tbody tr")
    mentions = [int(r.find_elements(By.TAG_NAME, "td")[-1].text) for r in rows]  # most mentioned first
    assert len(rows) >= 20 and mentions == sorted(mentions, reverse=True)
    assert "Jeremy Corbyn" in [r.text.split(" PERSON")[0] for r in rows[:2]]
    screenshot(browser, shots, "07-entities.png")
    browser.find_element(By.CSS_SELECTOR, "section[data-facet='type'] a[href='/entities?type=organisation']").click()
    types = {t.text.lower() for t in browser.find_elements(By.CSS_SELECTOR, "table.entities tbody .badge")}
    assert types == {"organisation"}
    browser.find_element(By.XPATH, "//th/a[starts-with(., 'Quotes by')]").click()
    browser.find_element(By.XPATH, "//th/a[starts-with(., 'Quotes by')]").click()  # again: descending
    assert "_sort_desc=quotes_by" in browser.current_url and "type=organisation" in browser.current_url
    counts = [int(r.find_elements(By.TAG_NAME, "td")[2].text) for r in
              browser.find_elements(By.CSS_SELECTOR, "table.entities tbody tr")]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    assert fits_the_window(browser) and not console_errors(browser)


def test_a_faceted_quote_list_exports_what_it_shows(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/quotes")
    before = len(browser.find_elements(By.CSS_SELECTOR, "ol.quotes > li"))
    browser.find_element(By.CSS_SELECTOR, "section[data-facet='outlet'] a[href='/quotes?outlet=The+Sun']").click()
    items = browser.find_elements(By.CSS_SELECTOR, "ol.quotes > li")
    assert 0 < len(items) < before and all("The Sun" in i.text for i in items)
    browser.find_element(By.CSS_SELECTOR, "section[data-facet='kind'] li a").click()  # a second facet narrows more
    assert "outlet=The+Sun" in browser.current_url and "kind=" in browser.current_url
    shown = [a.get_attribute("href").rsplit("#q-", 1)[1] for a in
             browser.find_elements(By.CSS_SELECTOR, "ol.quotes > li .meta a[href*='#q-']")]
    assert shown
    screenshot(browser, shots, "08-quotes-faceted.png")
    href = browser.find_element(By.CSS_SELECTOR, ".export a.csv").get_attribute("href")
    with urllib.request.urlopen(href) as resp:  # our own server on localhost
        assert resp.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(resp.read().decode("utf-8"))))
    assert [r["id"] for r in rows] == shown and {r["outlet"] for r in rows} == {"The Sun"}
    assert not console_errors(browser)


def test_unsure_attributions_are_marked_and_collapsed(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/quotes")
    note = browser.find_element(By.CSS_SELECTOR, ".hidden-note")
    assert "unsure attribution" in note.text
    note.find_element(By.TAG_NAME, "a").click()
    low = browser.find_elements(By.CSS_SELECTOR, "ol.quotes > li.low")
    assert low
    first = low[0]
    assert first.value_of_css_property("border-top-style") == "dashed"
    assert not first.find_element(By.TAG_NAME, "blockquote").is_displayed()  # collapsed until opened
    first.find_element(By.TAG_NAME, "summary").click()
    assert first.find_element(By.TAG_NAME, "blockquote").is_displayed()
    conf = first.find_element(By.CSS_SELECTOR, ".conf.low")
    assert "low confidence" in conf.text and "found by" in conf.get_attribute("title")
    screenshot(browser, shots, "09-quotes-unsure-shown.png")
    assert not console_errors(browser)


def test_a_hostile_long_name_wraps_and_bidi_text_reads_in_order(browser, awkward_url, shots):
    from selenium.webdriver.common.by import By

    for path in ["/articles", "/quotes?min_confidence=0", "/entities"]:
        browser.get(awkward_url + path)
        assert fits_the_window(browser), path
    browser.get(awkward_url + "/articles")
    cell = browser.find_element(By.XPATH, "//td[starts-with(., 'WWWW')]")
    table = browser.find_element(By.CSS_SELECTOR, "table.list")
    assert cell.rect["height"] > 3 * 20  # the 500 characters wrap onto several lines ...
    assert table.rect["x"] + table.rect["width"] <= browser.execute_script("return window.innerWidth")
    screenshot(browser, shots, "10-long-outlet-wraps.png")
    browser.find_element(By.CSS_SELECTOR, "table.list tbody a").click()
    assert fits_the_window(browser)
    # the words after a right-to-left override still read left to right on screen
    order = browser.execute_script("""
        const text = document.getElementById('text');
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        const where = {};
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (const w of ['never', 'cut', 'library']) {
            const i = n.data.indexOf(w);
            if (i >= 0 && !(w in where)) {
              const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + w.length);
              const b = r.getBoundingClientRect(); where[w] = [b.left, b.top];
            }
          }
        }
        return where;""")
    assert set(order) == {"never", "cut", "library"}, order
    on_one_line = abs(order["never"][1] - order["library"][1]) < 5
    assert (order["never"][0] < order["cut"][0] < order["library"][0]) if on_one_line else (
        order["never"][1] <= order["library"][1]), order
    shown = browser.find_element(By.ID, "text").text
    assert "U+202E" in shown and "\u202e" not in shown  # the control is shown, not applied
    screenshot(browser, shots, "11-bidi-article.png")
    assert not console_errors(browser)


def test_evidence_links_outline_their_characters(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/contradictions?name=Jeremy+Corbyn")
    screenshot(browser, shots, "06-contradictions.png")
    link = browser.find_element(By.CSS_SELECTOR, ".claimgroup .claim a[href*='span=']")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    target = browser.find_element(By.ID, anchor)
    outlined = browser.find_elements(By.CSS_SELECTOR, "#text mark.focus")
    assert outlined and "Corbyn" in " ".join(m.text for m in outlined).replace("CORBYN", "Corbyn")
    assert target.location["y"] <= outlined[0].location["y"] + 5
    assert not console_errors(browser)


def test_from_search_to_a_quote_in_its_article(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/?q=dangerous+escalation")
    link = browser.find_element(By.CSS_SELECTOR, "li.quote a[href*='#q-']")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    check_article_page(browser, shots, anchor)
    assert not console_errors(browser)


def check_article_page(browser, shots: Path, anchor: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    marks = browser.find_elements(By.CSS_SELECTOR, "#text mark.q")
    assert len(marks) >= 3
    target = browser.find_element(By.ID, anchor)
    mark = target.find_element(By.XPATH, "following-sibling::mark[1]")
    # the page's stylesheet applied (a blocked stylesheet would leave marks at the browser's yellow)
    assert mark.value_of_css_property("background-color") != "rgba(255, 255, 0, 1)"
    furniture = browser.find_elements(By.CSS_SELECTOR, "#text p.furniture")
    assert furniture and furniture[0].value_of_css_property("color") == "rgba(154, 161, 171, 1)"
    for low in browser.find_elements(By.CSS_SELECTOR, "#text mark.q.low"):  # unsure quotes look unsure
        assert low.value_of_css_property("border-bottom-style") == "dashed"
    pop = browser.find_element(By.ID, "popover")
    assert not pop.is_displayed()
    ActionChains(browser).move_to_element(mark).perform()
    time.sleep(0.2)
    assert pop.is_displayed()
    row = browser.find_element(By.ID, "qd-" + mark.get_attribute("data-q"))
    speaker = row.find_element(By.CSS_SELECTOR, ".who").get_attribute("textContent").strip()
    assert speaker in pop.text and "Kind" in pop.text and "Confidence" in pop.text
    assert fits_the_window(browser)
    browser.save_screenshot(str(shots / f"04-article-{anchor}-popover.png"))
    screenshot(browser, shots, f"05-article-{anchor}.png")


def test_a_person_page_with_a_filter_a_permalink_and_pages_at_a_phone_width(browser, base_url, shots):
    """Issue 26: the person page narrowed to one outlet lists only that outlet's quotes; a quote's permalink shows
    its words in context and a citation; at 400 px no page scrolls sideways (wide tables scroll in their box)."""
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/entities/person%3Ajeremy-corbyn?tab=said&min_confidence=0")
    outlet = browser.find_element(By.CSS_SELECTOR, "ol.quotes li .meta a[href^='/articles/'] bdi").text
    field = browser.find_element(By.CSS_SELECTOR, "form.topic input[name=outlet]")
    field.send_keys(outlet.lower())
    field.submit()
    assert browser.find_element(By.ID, "scope").is_displayed()
    shown = {e.get_attribute("textContent")
             for e in browser.find_elements(By.CSS_SELECTOR, "ol.quotes li .meta a[href^='/articles/'] bdi")}
    assert shown == {outlet}
    browser.find_element(By.CSS_SELECTOR, "ol.quotes li a.permalink").click()
    assert "/quotes/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "blockquote.in-context mark").text
    assert outlet in browser.find_element(By.ID, "citation").text
    screenshot(browser, shots, "12-quote-permalink.png")
    browser.set_window_size(400, 900)
    try:
        for path in ["/quotes?min_confidence=0", "/stances", "/entities", "/articles", "/statements",
                     "/entities/person%3Ajeremy-corbyn?tab=stances", browser.current_url.replace(base_url, "")]:
            browser.get(base_url + path)
            assert fits_the_window(browser), path
        browser.save_screenshot(str(shots / "13-quotes-at-400px.png"))
    finally:
        browser.set_window_size(1280, 1000)
    assert not console_errors(browser)


def test_the_portrayal_chart_links_each_point_to_its_sentences(browser, base_url, shots):
    """Issue 24 item 3: one panel per outlet, each month a circle coloured by its tone; clicking one lists that
    outlet's sentences of that month, and each sentence opens its words outlined in the article."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/entities/person%3Ajeremy-corbyn")
    circles = browser.find_elements(By.CSS_SELECTOR, "svg.portrayal circle.dot")
    outlets = {c.get_attribute("data-outlet") for c in circles}
    assert len(circles) >= 3 and {"The Sun", "PoliticsHome"} <= outlets
    assert all(c.is_displayed() and c.rect["width"] >= 6 for c in circles)
    fills = {c.get_attribute("class").split()[-1]: c.value_of_css_property("fill") for c in circles}
    assert fills.get("tone-negative") == "rgb(213, 94, 0)"  # coloured by the stylesheet, not the SVG default
    assert "model’s reading" in browser.find_element(By.ID, "tone-model-note").text
    screenshot(browser, shots, "14-portrayal-chart.png")
    sun = next(c for c in circles if c.get_attribute("data-outlet") == "The Sun")
    n, month = int(sun.get_attribute("data-n")), sun.get_attribute("data-month")
    sun.click()
    WebDriverWait(browser, 10).until(lambda d: "tab=portrayal" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.tones tbody tr")
    assert len(rows) == n and all("The Sun" in r.text and month in r.text for r in rows)
    words = rows[0].find_element(By.CSS_SELECTOR, "mark.mention").text
    assert words and fits_the_window(browser)
    screenshot(browser, shots, "15-portrayal-sentences.png")
    rows[0].find_element(By.CSS_SELECTOR, "a.evidence").click()
    WebDriverWait(browser, 10).until(lambda d: "/articles/" in d.current_url)
    outlined = " ".join(m.text for m in browser.find_elements(By.CSS_SELECTOR, "#text mark.focus"))
    assert words in outlined
    # the article page underlines each named person, organisation or country in its sentence's tone colour
    marks = browser.find_elements(By.CSS_SELECTOR, "#text span.tm")
    assert len(marks) > 10 and all(m.get_attribute("title") for m in marks)
    negative = next(m for m in marks if "tm-negative" in m.get_attribute("class"))
    assert negative.value_of_css_property("text-decoration-color") == "rgb(213, 94, 0)"
    assert "model’s reading" in negative.get_attribute("title")
    screenshot(browser, shots, "16-article-tone-marks.png")
    browser.set_window_size(400, 900)
    try:
        for path in ["/entities/person%3Ajeremy-corbyn", "/entities/person%3Ajeremy-corbyn?tab=portrayal"]:
            browser.get(base_url + path)
            assert fits_the_window(browser), path
    finally:
        browser.set_window_size(1280, 1000)
    assert not console_errors(browser)


def test_a_contradiction_pair_opens_on_its_permalink_with_both_sides_and_fits_a_phone(browser, base_url, shots):
    """Issue 26 item 5: a pair of a claim group links to its permalink, which shows the claim and the
    counter-evidence each marked in its paragraph, both articles and a citation naming both; at 400 px it fits."""
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/contradictions?min_confidence=0")
    link = browser.find_element(By.CSS_SELECTOR, ".claimgroup a.pair")
    pair = link.get_attribute("href").rsplit("/", 1)[1]
    link.click()
    assert browser.current_url.endswith(f"/contradictions/{pair}")
    marks = browser.find_elements(By.CSS_SELECTOR, "blockquote.in-context mark")
    assert len(marks) == 2 and all(m.text for m in marks)
    outlets = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "dl.source dt + dd + dt + dd bdi")]
    citation = browser.find_element(By.ID, "citation").text
    assert len(outlets) == 2 and all(o in citation for o in outlets) and f"/contradictions/{pair}" in citation
    screenshot(browser, shots, "17-contradiction-permalink.png")
    browser.set_window_size(400, 900)
    try:
        browser.get(browser.current_url)
        assert fits_the_window(browser)
    finally:
        browser.set_window_size(1280, 1000)
    assert not console_errors(browser)
