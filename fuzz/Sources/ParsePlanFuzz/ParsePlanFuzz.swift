import Foundation
import RivuletCore
import RivuletEngine
import RivuletPlanner
import RivuletSQL

/// The catalog every input runs against: two embedded streams with an event time, a keyed
/// table, a view, and a few rows.
private let catalogScript = """
    CREATE STREAM s (a INT, b VARCHAR, c DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND);
    CREATE STREAM t (a INT, d BIGINT, e BOOLEAN, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
    CREATE TABLE k (id INT, name VARCHAR, amount DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED);
    CREATE VIEW v AS SELECT a, b, ts FROM s WHERE c > 0;
    INSERT INTO s VALUES (1, 'x', 1.5, TIMESTAMP '2024-01-01 00:00:00'), (2, NULL, -2.0, TIMESTAMP '2024-01-01 00:00:05');
    INSERT INTO t VALUES (1, 10, TRUE, TIMESTAMP '2024-01-01 00:00:01');
    INSERT INTO k VALUES (1, 'one', 1.25);
    """

/// Embedded streams live in memory; the folder only has to exist for paths to resolve against.
private let folder: String = {
    let path = NSTemporaryDirectory() + "rivulet-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

/// A fresh engine with the catalog, so that what one input creates or drops never reaches the next.
private func makeEngine() -> Engine {
    let engine = Engine(configuration: EngineConfiguration(workingDirectory: folder, dataDirectory: folder, readAhead: false))
    do {
        _ = try engine.execute(script: catalogScript)
    } catch {
        fatalError("the fuzz catalog does not load: \(error)")
    }
    return engine
}

/// An error must point inside the text it is about.
private func checkSpan(of error: SQLError, in text: String) {
    guard let span = error.span else { return }
    let count = text.count
    guard span.start.offset >= 0, span.start.offset <= span.end.offset, span.end.offset <= count,
        span.start.line >= 1, span.start.column >= 1
    else { fatalError("error span \(span) outside a text of \(count) characters: \(error)") }
}

/// One input: UTF-8 text (other bytes are skipped). Every statement that parses must print back
/// to the same tree; then the statements run in order against a fresh engine, which binds and
/// plans queries (SELECT, INSERT ... SELECT, CREATE ... AS SELECT, EXPLAIN) without running
/// them, and appends the rows of INSERT ... VALUES into embedded streams. Errors are expected;
/// a trap, a crash or a hang is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return -1 }
    let statements: [ParsedStatement]
    do {
        statements = try parseScript(text)
    } catch {
        checkSpan(of: error, in: text)
        return 0
    }
    for parsed in statements {
        let printed = parsed.statement.description
        do {
            let reparsed = try parseStatement(printed)
            if reparsed != parsed.statement {
                fatalError("printing changed the tree of: \(parsed.text)\nprinted: \(printed)")
            }
        } catch {
            fatalError("the printed form does not parse: \(error)\ninput: \(parsed.text)\nprinted: \(printed)")
        }
    }
    let engine = makeEngine()
    for parsed in statements {
        // INSERT ... VALUES appends through the target's connector: only into embedded streams
        // here, never into files, databases or brokers an input names.
        if case .insertValues(let insert) = parsed.statement,
            let target = engine.catalog.relation(named: insert.target.name.value),
            target.connector.connector != ConnectorSpec.embedded
        {
            continue
        }
        do {
            for prepared in try engine.execute(parsed).queries { _ = prepared.query.plan.explainLines() }
        } catch {
            checkSpan(of: error, in: text)
        }
    }
    return 0
}
