"""Real-browser tests: headless Chromium (Debian's chromium + chromedriver) against uvicorn on a free port.

From search to a person to an article; the quotes are highlighted and explain themselves on hover; the chart
is drawn. Screenshots go to $ONRECORD_SCREENSHOTS (default artifacts/screenshots) for a human to look at.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import web_support as ws

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; CI installs them)")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    import uvicorn

    from onrecord.web.app import create_app

    app = create_app(str(ws.demo_store(tmp_path_factory)))
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
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


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
    screenshot(browser, shots, "02-search.png")
    person.click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Jeremy Corbyn")
    assert "Leader of the Labour Party" in browser.find_element(By.ID, "roles").text
    dots = browser.find_elements(By.CSS_SELECTOR, "svg.timeline circle.dot")
    assert len(dots) >= 10, "the stance chart has too few statements"
    # the chart's marks are filled with their label's colour by the stylesheet (not the SVG default black)
    fills = {d.get_attribute("data-label"): d.value_of_css_property("fill") for d in dots
             if "claimed" not in (d.get_attribute("class") or "")}
    assert len(set(fills.values())) >= 3 and "rgb(0, 0, 0)" not in fills.values(), fills
    assert browser.find_elements(By.CSS_SELECTOR, "#said li.quote")
    assert "Who says otherwise" in browser.find_element(By.ID, "contradictions-link").text
    screenshot(browser, shots, "03-person.png")
    # "what has he said about Assad, and who says otherwise?": one click on the topic
    browser.find_element(By.XPATH, "//ul[@class='topics']//a[starts-with(., 'Bashar al-Assad')]").click()
    WebDriverWait(browser, 10).until(lambda d: "about=Assad" in d.current_url)
    pairs = browser.find_elements(By.CSS_SELECTOR, "#counter .pair")
    assert pairs and "The Sun" in pairs[0].find_element(By.CSS_SELECTOR, ".claim").text
    assert "condemn" in pairs[0].find_element(By.CSS_SELECTOR, ".counter").text
    screenshot(browser, shots, "03b-person-about-assad.png")
    browser.back()
    link = browser.find_element(By.CSS_SELECTOR, "#said li.quote a[href*='#q-']")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    assert browser.current_url.endswith("#" + anchor)
    check_article_page(browser, shots, anchor)
    assert not console_errors(browser)


def test_evidence_links_outline_their_characters(browser, base_url, shots):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/contradictions?name=Jeremy+Corbyn")
    screenshot(browser, shots, "06-contradictions.png")
    link = browser.find_element(By.CSS_SELECTOR, ".pair .claim a[href*='span=']")
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
    pop = browser.find_element(By.ID, "popover")
    assert not pop.is_displayed()
    ActionChains(browser).move_to_element(mark).perform()
    time.sleep(0.2)
    assert pop.is_displayed()
    row = browser.find_element(By.ID, "qd-" + mark.get_attribute("data-q"))
    speaker = row.find_element(By.CSS_SELECTOR, ".who").text
    assert speaker in pop.text and "Kind" in pop.text and "Confidence" in pop.text
    browser.save_screenshot(str(shots / f"04-article-{anchor}-popover.png"))
    screenshot(browser, shots, f"05-article-{anchor}.png")
