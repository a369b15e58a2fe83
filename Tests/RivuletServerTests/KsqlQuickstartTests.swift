import Foundation
import Testing

/// ksqlDB's quickstart (the riders near Mountain View) as its docs write it, against
/// `rivulet dev kafka`: the stream, the two materialized views, the push query left running
/// while the rows are inserted (over the HTTP push endpoint, whose first event says the query
/// reads from then on), and the pull query on the view. The expected rows are the docs'.
@Suite(.timeLimit(.minutes(2)))
struct KsqlQuickstartTests {
    static let script = #"""
        import json, sys, time, urllib.request
        import psycopg

        pg_port, http_port = int(sys.argv[1]), int(sys.argv[2])
        CREATE = [
            """CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE)
          WITH (kafka_topic='locations', value_format='json', partitions=1);""",
            """CREATE TABLE currentLocation AS
          SELECT profileId,
                 LATEST_BY_OFFSET(latitude) AS la,
                 LATEST_BY_OFFSET(longitude) AS lo
          FROM riderlocations
          GROUP BY profileId
          EMIT CHANGES;""",
            """CREATE TABLE ridersNearMountainView AS
          SELECT ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1) AS distanceInMiles,
                 COLLECT_LIST(profileId) AS riders,
                 COUNT(*) AS count
          FROM currentLocation
          GROUP BY ROUND(GEO_DISTANCE(la, lo, 37.4133, -122.1162), -1);""",
        ]
        PUSH = """-- Mountain View lat, long: 37.4133, -122.1162
        SELECT * FROM riderLocations
          WHERE GEO_DISTANCE(latitude, longitude, 37.4133, -122.1162) <= 5 EMIT CHANGES;"""
        INSERTS = [
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('c2309eec', 37.7877, -122.4205);",
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('18f4ea86', 37.3903, -122.0643);",
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('4ab5cbad', 37.3952, -122.0813);",
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('8b6eae59', 37.3944, -122.0813);",
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('4a7c7b41', 37.4049, -122.0822);",
            "INSERT INTO riderLocations (profileId, latitude, longitude) VALUES ('4ddad000', 37.7857, -122.4011);",
        ]
        PULL = "SELECT * from ridersNearMountainView WHERE distanceInMiles <= 10;"

        with psycopg.connect(host="127.0.0.1", port=pg_port, user="rider", dbname="rivulet", autocommit=True) as conn:
            for statement in CREATE:
                conn.execute(statement)
            request = urllib.request.Request(f"http://127.0.0.1:{http_port}/api/v1/push", data=json.dumps({"sql": PUSH}).encode(),
                                             headers={"Content-Type": "application/json"})
            stream = urllib.request.urlopen(request, timeout=30)

            def events():
                kind = None
                for raw in stream:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("event: "):
                        kind = line[len("event: "):]
                    elif line.startswith("data: "):
                        yield kind, json.loads(line[len("data: "):])

            feed = events()
            kind, columns = next(feed)
            print("push", kind, [column["name"] for column in columns["columns"]])
            for statement in INSERTS:
                conn.execute(statement)
            rows = []
            while len(rows) < 3:
                kind, data = next(feed)
                if kind == "rows":
                    rows += data["rows"]
            for row in sorted(rows):
                print("push row", row)
            # The views follow the stream; read until both rows are in, as a user would re-run it.
            deadline = time.monotonic() + 30
            while True:
                pulled = conn.execute(PULL).fetchall()
                if sorted(count for _, _, count in pulled) == [1, 3] or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            for distance, riders, count in sorted(pulled):
                print("pull", distance, sorted(riders), count)
        """#

    @Test("The quickstart's statements run as written: the push query gives the docs' three riders, the pull query the docs' two rows")
    func ridersNearMountainView() async throws {
        let (status, text, serverLog) = try await Self.run(Self.script) { [String($0.pgPort), String($0.httpPort)] }
        #expect(status == 0, "\(text)")
        // Rows sorted: `rivulet dev kafka` creates every topic with four partitions (librdkafka's
        // mock cluster takes no partition count), so keyless records arrive in no fixed order;
        // see the README's differences.
        #expect(text == """
            push columns ['PROFILEID', 'LATITUDE', 'LONGITUDE']
            push row ['4a7c7b41', '37.4049', '-122.0822']
            push row ['4ab5cbad', '37.3952', '-122.0813']
            push row ['8b6eae59', '37.3944', '-122.0813']
            pull 0.0 ['4a7c7b41', '4ab5cbad', '8b6eae59'] 3
            pull 10.0 ['18f4ea86'] 1

            """, "\(text)\nserver: \(serverLog)")
    }

    /// The stateful-aggregations exercise of Confluent's ksqlDB course: people's movements counted
    /// with `COUNT(*)`, `COUNT_DISTINCT` and `LATEST_BY_OFFSET` into a table. The course runs it in
    /// an editor set to read from the earliest offset, as the `SET` here does; its page shows no
    /// rows, so the expected ones are counted from its inserts.
    static let movementsScript = #"""
        import sys, time
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=int(sys.argv[1]), user="course", dbname="rivulet", autocommit=True) as conn:
            conn.execute("SET 'auto.offset.reset' = 'earliest';")
            for statement in [
                """CREATE STREAM MOVEMENTS(PERSON VARCHAR KEY, LOCATION VARCHAR)
        WITH (VALUE_FORMAT='JSON', PARTITIONS=1, KAFKA_TOPIC='movements');""",
                "INSERT INTO MOVEMENTS VALUES ('Robin', 'York');",
                "INSERT INTO MOVEMENTS VALUES ('Robin', 'Leeds');",
                "INSERT INTO MOVEMENTS VALUES ('Allison', 'Denver');",
                "INSERT INTO MOVEMENTS VALUES ('Robin', 'Ilkley');",
                "INSERT INTO MOVEMENTS VALUES ('Allison', 'Boulder');",
            ]:
                conn.execute(statement)
            for query in ["""SELECT PERSON, COUNT (*)
        FROM MOVEMENTS GROUP BY PERSON EMIT CHANGES;""", """SELECT PERSON, COUNT_DISTINCT(LOCATION)
        FROM MOVEMENTS GROUP BY PERSON EMIT CHANGES;"""]:
                latest = {}
                with conn.cursor() as cursor:
                    for row in cursor.stream(query):
                        latest[row[-2]] = row[-1]
                        if latest == {"Robin": 3, "Allison": 2}:
                            break
                print("push", sorted(latest.items()))
            conn.execute("""CREATE TABLE PERSON_STATS AS
        SELECT PERSON,
        LATEST_BY_OFFSET(LOCATION) AS LATEST_LOCATION,
        COUNT(*) AS LOCATION_CHANGES,
        COUNT_DISTINCT(LOCATION) AS UNIQUE_LOCATIONS
        FROM MOVEMENTS
        GROUP BY PERSON
        EMIT CHANGES;""")
            deadline = time.monotonic() + 30
            while True:
                rows = sorted(conn.execute("SELECT * FROM PERSON_STATS;").fetchall())
                if len(rows) == 2 and rows[1][2] == 3 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            for row in rows:
                print("pull", row)
        """#

    @Test("The course's stateful aggregations: COUNT(*), COUNT_DISTINCT and LATEST_BY_OFFSET per person, pushed and pulled")
    func movementsPerPerson() async throws {
        let (status, text, serverLog) = try await Self.run(Self.movementsScript) { [String($0.pgPort)] }
        #expect(status == 0, "\(text)")
        #expect(text == """
            push [('Allison', 2), ('Robin', 3)]
            push [('Allison', 2), ('Robin', 3)]
            pull ('Allison', 'Boulder', 2, 2)
            pull ('Robin', 'Ilkley', 3, 3)

            """, "\(text)\nserver: \(serverLog)")
    }

    /// Runs a client script against `rivulet serve` over a fresh `rivulet dev kafka`, as the
    /// statements name no brokers; returns its exit status, its output and the server's log.
    private static func run(_ script: String, arguments: (ServeProcess) -> [String]) async throws -> (Int32, String, String) {
        let (broker, address) = try await offPool { try KafkaServeTests.startBroker(topics: []) }
        defer {
            broker.terminate()
            broker.waitUntilExit()
        }
        let directory = try ServeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServeProcess.start(dataDirectory: directory, environment: ["RIVULET_KAFKA_BOOTSTRAP_SERVERS": address])
        let (status, text) = try await PythonClient.run(script, arguments: arguments(server), in: directory)
        _ = await server.stop()
        return (status, text, server.stderr)
    }
}
