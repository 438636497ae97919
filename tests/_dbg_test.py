import sys; sys.path.insert(0, "/work/main/tests")
from test_browser import *  # noqa
def test_dbg(browser, awkward_url):
    browser.get(awkward_url + "/articles")
    for i in range(5):
        print(browser.execute_script("return [document.readyState, document.documentElement.scrollWidth, window.innerWidth, document.documentElement.clientWidth, window.outerWidth]"))
        time.sleep(0.3)
