"""Exercises every path of a running `rivulet serve`'s JSON API and checks each answer against
docs/api/openapi.yaml (status, content type, and the JSON body by the document's schemas), as
well as what the answers say.

    python3 api_check.py http://127.0.0.1:PORT path/to/openapi.yaml

Exits 0 when every check passed; otherwise prints the first failure and exits 1.
"""
import json
import sys
import time

import jsonschema
import requests
import yaml

base, spec_path = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(spec_path))


def schema_of(ref_or_schema):
    """A schema whose `#/components/...` references resolve against the document."""
    return {**ref_or_schema, "components": spec["components"]}


def validate(instance, schema):
    jsonschema.Draft202012Validator(schema_of(schema), format_checker=jsonschema.FormatChecker()).validate(instance)


def check(response, path, method):
    """The response's status must be documented for the path, with its content type and body shape."""
    documented = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path}: status {status} is not documented"
    answer = documented[status]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].split("/")[-1]]
    content_type = response.headers["Content-Type"].split(";")[0]
    assert content_type in answer["content"], f"{method.upper()} {path}: content type {content_type} is not documented for {status}"
    if content_type == "application/json":
        body = response.json()
        validate(body, answer["content"][content_type]["schema"])
        return body
    if content_type == "text/event-stream":
        return None  # read event by event below
    return response.text


def statements(sql):
    response = requests.post(base + "/api/v1/statements", json={"sql": sql}, timeout=30)
    return response.status_code, check(response, "/api/v1/statements", "post")


def eventually(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# /healthz and /metrics keep their text answers.
assert check(requests.get(base + "/healthz", timeout=10), "/healthz", "get") == "ok\n"

# Statements: definitions, inserts and a windowed persistent query.
status, body = statements("""
CREATE STREAM clicks (user_id INT, page VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
INSERT INTO clicks VALUES (1, 'home', TIMESTAMP '2024-01-01 00:00:01'), (2, 'cart', TIMESTAMP '2024-01-01 00:00:02'),
  (1, 'home', TIMESTAMP '2024-01-01 00:00:12')""")
assert status == 200, body
assert [r["tag"] for r in body["results"]] == ["CREATE STREAM", "INSERT 0 3"], body
status, body = statements("""CREATE TABLE page_counts AS
SELECT page, window_start, COUNT(*) AS views
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY page, window_start, window_end""")
assert status == 200 and body["results"][0]["rows"] == [["q1"]], body

# The query list and one query.
def q1_read_everything():
    response = requests.get(base + "/api/v1/queries", timeout=10)
    queries = check(response, "/api/v1/queries", "get")["queries"]
    return queries if queries and queries[0]["rowsIn"] == 3 else None

queries = eventually(q1_read_everything, "q1 to read the three rows")
assert queries[0]["id"] == "q1" and queries[0]["state"] == "RUNNING" and queries[0]["sink"] == "page_counts", queries
assert queries[0]["sources"] == ["clicks"], queries
assert queries[0]["watermark"] == "2024-01-01T00:00:11Z", queries
detail = check(requests.get(base + "/api/v1/queries/q1", timeout=10), "/api/v1/queries/{id}", "get")
operators = [node["operator"] for node in detail["graph"]["nodes"]]
assert operators[0] == "Sink" and "Scan" in operators, operators
assert detail["explain"] and detail["explain"][0].startswith("01)"), detail["explain"]
assert detail["lateRows"] == [], detail["lateRows"]

# A click for a window that has fired (the watermark is at 00:00:11) is late, and shown.
statements("INSERT INTO clicks VALUES (3, 'home', TIMESTAMP '2024-01-01 00:00:03')")
def q1_late_row():
    late = check(requests.get(base + "/api/v1/queries/q1", timeout=10), "/api/v1/queries/{id}", "get")["lateRows"]
    return late or None
late = eventually(q1_late_row, "q1's late row")
assert len(late) == 1 and late[0]["source"] == "clicks" and late[0]["eventTime"] == "2024-01-01 00:00:03.000", late
assert late[0]["watermark"] == "2024-01-01 00:00:11.000" and late[0]["windowEnd"] == "2024-01-01 00:00:10.000", late
assert json.loads(late[0]["row"])["page"] == "home", late
missing = requests.get(base + "/api/v1/queries/q9", timeout=10)
assert missing.status_code == 404 and check(missing, "/api/v1/queries/{id}", "get")["code"] == "42704"

# Rates come from samples a second apart: once q1 has been sampled twice, new rows show as
# rows in per second.
eventually(lambda: requests.get(base + "/api/v1/queries", timeout=10).json()["queries"][0]["history"], "q1's first rate")
statements("INSERT INTO clicks VALUES " + ", ".join(f"({i}, 'p{i % 3}', TIMESTAMP '2024-01-01 00:00:20')" for i in range(200)))
def rate_moved():
    queries = check(requests.get(base + "/api/v1/queries", timeout=10), "/api/v1/queries", "get")["queries"]
    return any(rate["rowsInPerSecond"] > 0 for rate in queries[0]["history"])
eventually(rate_moved, "a rows-in rate above 0")

# The catalog says who reads and writes what.
catalog = check(requests.get(base + "/api/v1/catalog", timeout=10), "/api/v1/catalog", "get")
relations = {r["name"]: r for r in catalog["relations"]}
assert relations["clicks"]["kind"] == "stream" and relations["clicks"]["readBy"] == ["q1"], relations
assert relations["page_counts"]["writtenBy"] == ["q1"], relations
assert [c["name"] for c in relations["clicks"]["columns"]] == ["user_id", "page", "ts"], relations

# Each operator of a running query's graph has its rate, and a stateful one its state: a
# filter hands on at most what its input does, and a GROUP BY holds a key per group.
status, body = statements("""
CREATE STREAM orders (customer INT, amount INT);
CREATE TABLE big_spenders AS SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders WHERE amount > 50 GROUP BY customer""")
assert status == 200 and body["results"][1]["rows"] == [["q2"]], body
def q2_graph():
    detail = check(requests.get(base + "/api/v1/queries/q2", timeout=10), "/api/v1/queries/{id}", "get")
    return {node["operator"]: node for node in detail["graph"]["nodes"]}
eventually(lambda: len(requests.get(base + "/api/v1/queries/q2", timeout=10).json()["query"]["history"]) > 0, "q2's first rate")
statements("INSERT INTO orders VALUES " + ", ".join(f"({i % 5}, {i})" for i in range(100)))
def q2_moved():
    graph = q2_graph()
    return graph if graph["Scan"]["rowsPerSecond"] > 0 and graph["Filter"]["rowsPerSecond"] > 0 else None
graph = eventually(q2_moved, "q2's scan and filter to show rates above 0")
assert all(isinstance(node["rowsPerSecond"], (int, float)) for node in graph.values()), graph
assert graph["Filter"]["rowsPerSecond"] <= graph["Scan"]["rowsPerSecond"], graph
assert "stateSize" not in graph["Filter"] and "stateSize" not in graph["Scan"], graph
eventually(lambda: q2_graph()["GroupAggregate"].get("stateSize") == 5, "q2's GROUP BY to hold its five customers")
nodes = check(requests.get(base + "/api/v1/queries/q2", timeout=10), "/api/v1/queries/{id}", "get")["graph"]["nodes"]
assert [node["id"] for node in nodes][1:] == list(range(1, len(nodes))), nodes

# A pull query's rows as a table; an error's place in the text.
status, body = statements("SELECT page, COUNT(*) AS n FROM clicks WHERE user_id < 2 GROUP BY page")
assert status == 200 and body["results"][0]["columns"] == [{"name": "page", "type": "VARCHAR"}, {"name": "n", "type": "BIGINT"}], body
assert sorted(body["results"][0]["rows"]) == [["home", "2"], ["p0", "1"], ["p1", "1"]], body
status, body = statements("SELECT 1;\nSELECT page\n  FORM clicks")
assert status == 400 and body["results"][0]["tag"] == "SELECT 1", body
error = body["error"]
assert error["code"] == "42601" and (error["line"], error["column"]) == (3, 3), error
status, body = statements("SELECT * FROM clicks EMIT CHANGES")
assert status == 400 and "/api/v1/push" in body["error"]["message"], body

# A push query streams rows as they arrive, until the client goes away.
refused = requests.post(base + "/api/v1/push", json={"sql": "SHOW STREAMS"}, timeout=10)
assert refused.status_code == 400
check(refused, "/api/v1/push", "post")
stream = requests.post(base + "/api/v1/push", json={"sql": "SELECT user_id, UPPER(page) AS page FROM clicks WHERE user_id > 1000 EMIT CHANGES"},
                       stream=True, timeout=30)
check(stream, "/api/v1/push", "post")
lines = stream.iter_lines(chunk_size=1, decode_unicode=True)
def next_event():
    name, data = None, None
    for line in lines:
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and name:
            return name, data
    raise AssertionError("the event stream ended")
name, data = next_event()
assert name == "columns", (name, data)
for column in data["columns"]:
    validate(column, {"$ref": "#/components/schemas/Column"})
statements("INSERT INTO clicks VALUES (1001, 'late', TIMESTAMP '2024-01-01 00:00:30'), (1002, 'later', TIMESTAMP '2024-01-01 00:00:31')")
rows = []
while len(rows) < 2:
    name, data = next_event()
    assert name == "rows", (name, data)
    rows += data["rows"]
assert rows == [["1001", "LATE"], ["1002", "LATER"]], rows
stream.close()
print("ok")
