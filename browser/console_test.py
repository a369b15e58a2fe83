"""The web console in a real browser: Debian's chromium, headless, driven by Selenium, against
a real `rivulet serve`. It creates a stream and inserts rows from the SQL editor, starts a
windowed CREATE TABLE ... AS SELECT, watches its rates move on the queries page, opens its
operator graph, runs a push query and sees rows arrive, cancels it, and sees errors: a
statement's, marked at its line and column, and a persistent query's that failed.

    python3 browser/console_test.py --rivulet .build/debug/rivulet [--screenshots docs/images]

Every wait polls the page for a condition with a deadline. Exits non-zero on the first failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--rivulet", required=True)
parser.add_argument("--screenshots", help="a folder to save a screenshot of each page into")
parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
args = parser.parse_args()

WAIT = 30


server_log = []


def start_server(data_dir):
    """Starts the server with its debug log (JSON lines) going to `server_log`."""
    server = subprocess.Popen(
        [args.rivulet, "serve", "--data-dir", data_dir, "--pg-port", "0", "--http-port", "0",
         "--log-level", "debug", "--log-format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:
        match = re.match(r"http listening on .*:(\d+)$", line.strip())
        if match:
            # Keep reading its output so the server never blocks on a full pipe.
            threading.Thread(target=lambda: server_log.extend(server.stdout), daemon=True).start()
            return server, int(match.group(1))
    raise SystemExit("rivulet serve exited before listening")


def logged(message, *words):
    """Whether the server logged a record with `message` and all of `words`."""
    return any(f'"message":"{message}"' in line and all(w in line for w in words) for line in list(server_log))


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(args.chromedriver), options=options)


def until(driver, condition, what):
    try:
        # The queries page redraws every second: an element found just before a redraw is
        # stale when read, and the condition is asked again.
        return WebDriverWait(driver, WAIT, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: condition(d))
    except Exception as error:
        raise AssertionError(f"timed out waiting for {what}") from error


def text_of(driver, css):
    elements = driver.find_elements(By.CSS_SELECTOR, css)
    return elements[0].text if elements else None


def screenshot(driver, name):
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
        driver.save_screenshot(os.path.join(args.screenshots, name))


def run_in_editor(driver, sql):
    """Types `sql` into the editor and presses Run."""
    driver.get(base + "/#/editor")
    editor = until(driver, lambda d: d.find_element(By.ID, "sql"), "the editor")
    editor.clear()
    editor.send_keys(sql)
    driver.find_element(By.ID, "run").click()


def editor_tags(driver):
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, "#results .tag")]


data_dir = tempfile.mkdtemp(prefix="rivulet-console-")
server, port = start_server(data_dir)
base = f"http://127.0.0.1:{port}"
driver = browser()
feeding = threading.Event()
try:
    driver.get(base + "/")
    until(driver, lambda d: text_of(d, "#no-queries"), "the empty queries page")

    # A stream and its first rows, from the editor.
    run_in_editor(driver, "CREATE STREAM clicks (user_id INT, page VARCHAR, ts TIMESTAMP(3),\n"
                          "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);\n"
                          "INSERT INTO clicks VALUES (1, 'home', TIMESTAMP '2024-01-01 00:00:01'),\n"
                          "  (2, 'cart', TIMESTAMP '2024-01-01 00:00:02')")
    until(driver, lambda d: editor_tags(d) == ["CREATE STREAM", "INSERT 0 2"], "CREATE STREAM and INSERT to succeed")

    # A windowed CREATE TABLE ... AS SELECT.
    run_in_editor(driver, "CREATE TABLE page_views AS\n"
                          "SELECT page, window_start, window_end, COUNT(*) AS views\n"
                          "FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))\n"
                          "GROUP BY page, window_start, window_end")
    until(driver, lambda d: text_of(d, "#results td") == "q1", "q1 to start")

    # Rows keep arriving, as they would from an application, so the rates move.
    def feed():
        second = 3
        while not feeding.is_set():
            values = ", ".join(f"({n}, 'p{n % 4}', TIMESTAMP '2024-01-01 00:{second // 60:02d}:{second % 60:02d}')" for n in range(20))
            requests.post(base + "/api/v1/statements", json={"sql": f"INSERT INTO clicks VALUES {values}"}, timeout=30)
            second += 1
            feeding.wait(0.25)
    threading.Thread(target=feed, daemon=True).start()

    driver.get(base + "/#/queries")
    until(driver, lambda d: text_of(d, 'tr[data-query="q1"] .state-RUNNING') == "RUNNING", "q1 RUNNING on the queries page")
    until(driver, lambda d: float(text_of(d, 'tr[data-query="q1"] .rate-in') or 0) > 0, "q1's rows-in rate above 0")
    (first,) = until(driver, lambda d: (int(text_of(d, 'tr[data-query="q1"] .rows-in')),), "q1's rows in")
    until(driver, lambda d: int(text_of(d, 'tr[data-query="q1"] .rows-in')) > first, "q1's rows in to grow")
    until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, 'tr[data-query="q1"] svg.spark path')) == 2, "q1's chart")
    screenshot(driver, "console-queries.png")

    # Its operator graph, from the source to the sink.
    until(driver, lambda d: d.find_element(By.LINK_TEXT, "q1").click() or True, "a click on q1")
    # The page redraws every second: read what it shows within one wait.
    def graph(d):
        operators = [g.get_attribute("data-operator") for g in d.find_elements(By.CSS_SELECTOR, "#graph g.node")]
        edges = len(d.find_elements(By.CSS_SELECTOR, "#graph path.edge"))
        return (operators, edges, text_of(d, "#query-sql"), text_of(d, "#explain")) if "Sink" in operators else None
    operators, edges, query_sql, explain = until(driver, graph, "the operator graph")
    assert operators[0] == "Sink" and "Scan" in operators and len(operators) >= 3, operators
    assert edges == len(operators) - 1, (edges, operators)
    assert "TUMBLE" in query_sql, query_sql
    assert explain.startswith("01)"), explain
    # Each operator shows its rows out per second, and the window aggregate the windows it
    # holds; the figures follow the feed as the page redraws.
    def figures(d):
        shown = {node.get_attribute("data-node"): (node.get_attribute("data-operator"),
                                                   node.find_element(By.CSS_SELECTOR, ".node-rate").get_attribute("textContent"),
                                                   node.find_element(By.CSS_SELECTOR, ".node-state").get_attribute("textContent"))
                 for node in d.find_elements(By.CSS_SELECTOR, "#graph g.node")}
        scans = [rate for operator, rate, _ in shown.values() if operator == "Scan"]
        held = [int(state.split()[1]) for operator, _, state in shown.values() if "Aggregate" in operator and state]
        return shown if scans and float(scans[0].split()[0]) > 0 and held and held[0] > 0 else None
    shown = until(driver, figures, "the scan's rate and the window aggregate's state above 0")
    assert all(re.fullmatch(r"\d+(\.\d)? rows/s", rate) for _, rate, _ in shown.values()), shown
    assert [operator for operator, _, state in shown.values() if state] == [o for o in operators if "Aggregate" in o], shown
    screenshot(driver, "console-query.png")

    # A click for a window long closed is late: the page lists it with the watermark it missed.
    requests.post(base + "/api/v1/statements",
                  json={"sql": "INSERT INTO clicks VALUES (99, 'stale', TIMESTAMP '2023-12-31 23:59:00')"}, timeout=30)
    def late_row(d):
        rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in d.find_elements(By.CSS_SELECTOR, "#late-rows tr")]
        return next((row for row in rows if row and "stale" in row[-1]), None)
    row = until(driver, late_row, "the late row on q1's page")
    assert row[1] == "clicks" and row[3] == "2023-12-31 23:59:00.000", row
    assert row[5] == "2023-12-31 23:59:00.000 – 2023-12-31 23:59:10.000", row

    driver.get(base + "/#/catalog")
    until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '.card[data-relation="page_views"]'), "page_views in the catalog")
    clicks = driver.find_element(By.CSS_SELECTOR, '.card[data-relation="clicks"]').text
    assert "read by: q1" in clicks and "user_id" in clicks, clicks
    screenshot(driver, "console-catalog.png")

    # A push query: rows appear as they are inserted, until Cancel.
    feeding.set()
    run_in_editor(driver, "SELECT user_id, UPPER(page) AS page FROM clicks WHERE user_id >= 5000 EMIT CHANGES")
    until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#push-rows th"), "the push query's columns")
    assert text_of(driver, "#push-count") == "0"
    for n in (5000, 5001, 5002):
        requests.post(base + "/api/v1/statements", timeout=30,
                      json={"sql": f"INSERT INTO clicks VALUES ({n}, 'live', TIMESTAMP '2024-01-01 01:00:00')"})
        until(driver, lambda d: text_of(d, "#push-count") == str(n - 4999), f"push row {n} to arrive")
    cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#push-rows tbody td")]
    assert cells == ["5000", "LIVE", "5001", "LIVE", "5002", "LIVE"], cells
    screenshot(driver, "console-push.png")
    driver.find_element(By.ID, "cancel").click()
    until(driver, lambda d: text_of(d, "#run-status") == "cancelled after 3 rows", "the push query to be cancelled")
    assert driver.find_element(By.ID, "run").is_enabled()
    until(driver, lambda d: logged("push query ended", "the client went away"), "the server to stop the push query")

    # A statement's error, marked at its line and column.
    run_in_editor(driver, "SELECT page\nFORM clicks")
    until(driver, lambda d: d.find_element(By.ID, "error").is_displayed(), "the error")
    assert text_of(driver, "#error-place") == "(line 2, column 1)", text_of(driver, "#error-place")
    assert text_of(driver, "#gutter .error-line") == "2"
    screenshot(driver, "console-error.png")

    # A persistent query that fails (its source file is not there): its error shows on the queries page.
    run_in_editor(driver, "CREATE STREAM archive (user_id INT) WITH ('connector' = 'file',\n"
                          f"  'path' = '{data_dir}/nowhere/clicks.csv', 'format' = 'csv');\n"
                          "CREATE STREAM archived_users (user_id INT);\n"
                          "INSERT INTO archived_users SELECT user_id FROM archive")
    until(driver, lambda d: text_of(d, "#results td") == "q2", "q2 to start")
    driver.get(base + "/#/queries")
    until(driver, lambda d: text_of(d, 'tr[data-query="q2"] .state-FAILED') == "FAILED", "q2 FAILED on the queries page")
    error = text_of(driver, 'tr[data-query="q2"] .query-error')
    assert error and "nowhere/clicks.csv" in error, error
    screenshot(driver, "console-failed.png")
    print("ok")
finally:
    feeding.set()
    driver.quit()
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(data_dir, ignore_errors=True)
