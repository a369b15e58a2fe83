import Foundation
import RivuletCore
import RivuletEngine
import Testing

@Suite("ksqlDB's join refusals")
struct KsqlJoinRefusalTests {
    func refusal(_ statements: String) throws -> SQLError? {
        let cluster = try cluster(topics: [:])
        let directory = NSTemporaryDirectory() + "rivulet-join-" + UUID().uuidString
        let engine = Engine(configuration: EngineConfiguration(workingDirectory: directory, dataDirectory: directory, batchSize: 3))
        do {
            _ = try engine.execute(script: statements.replacingOccurrences(of: "$KAFKA", with: cluster.bootstrapServers))
            return nil
        } catch {
            return error
        }
    }

    @Test("A table join on key columns of different types is refused")
    func keyTypesDiffer() async throws {
        try await offPool {
            let error = try refusal("""
                CREATE TABLE T1 (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic = 't1', value_format = 'JSON', 'properties.bootstrap.servers' = '$KAFKA');
                CREATE TABLE T2 (ID BIGINT PRIMARY KEY, FOO INT) WITH (kafka_topic = 't2', value_format = 'JSON', 'properties.bootstrap.servers' = '$KAFKA');
                CREATE TABLE OUTPUT WITH ('properties.bootstrap.servers' = '$KAFKA') AS SELECT T2.ID, T1.VAL FROM T1 JOIN T2 ON T1.ID = T2.ID;
                """)
            #expect(error?.message == "Invalid join condition: types don't match. Got T1.ID{INTEGER} = T2.ID{BIGINT}.")
        }
    }

    @Test("A windowed stream joined on a column that is not its key is refused")
    func windowedOffKey() async throws {
        try await offPool {
            let error = try refusal("""
                CREATE STREAM S1 (ID INT KEY, V INT) WITH (kafka_topic = 'l', value_format = 'JSON', key_format = 'JSON', WINDOW_TYPE = 'Hopping', WINDOW_SIZE = '5 SECONDS', 'properties.bootstrap.servers' = '$KAFKA');
                CREATE STREAM S2 (ID INT KEY, V INT) WITH (kafka_topic = 'r', value_format = 'JSON', key_format = 'JSON', WINDOW_TYPE = 'Tumbling', WINDOW_SIZE = '2 SECONDS', 'properties.bootstrap.servers' = '$KAFKA');
                CREATE STREAM OUTPUT WITH ('properties.bootstrap.servers' = '$KAFKA') AS SELECT * FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.V;
                """)
            #expect(error?.message.hasPrefix("Implicit repartitioning of windowed sources is not supported.") == true)
        }
    }
}
