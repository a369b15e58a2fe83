import RivuletRuntime

/// `/metrics` in the Prometheus text exposition format (version 0.0.4): one series per
/// persistent query for each counter and gauge, labelled with the query id.
enum PrometheusMetrics {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func render(_ queries: [PersistentQuery]) -> String {
        let statuses = queries.map { ($0.id, $0.status) }
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ value: (PersistentQuery.Status) -> Int64?) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (id, status) in statuses {
                guard let number = value(status) else { continue }
                text += "\(name){query=\"\(escape(id))\"} \(number)\n"
            }
        }
        family("rivulet_query_rows_in_total", "counter", "Rows read by the query's sources.") { Int64($0.metrics.rowsRead) }
        family("rivulet_query_rows_out_total", "counter", "Rows written to the query's sink.") { Int64($0.metrics.rowsWritten) }
        family("rivulet_query_late_rows_total", "counter", "Rows dropped because their windows had closed.") { Int64($0.metrics.lateRows) }
        family("rivulet_query_bad_records_total", "counter", "Source records that could not be read, skipped and logged.") {
            Int64($0.metrics.badRecords)
        }
        family("rivulet_query_state_size", "gauge", "Groups, windows and rows held in operator state.") { Int64($0.metrics.stateSize) }
        family("rivulet_query_watermark_milliseconds", "gauge", "The query's event-time watermark, in milliseconds since the epoch.") {
            let watermark = $0.metrics.watermark
            return watermark == Int64.min || watermark == Int64.max ? nil : watermark
        }
        family("rivulet_query_running", "gauge", "1 while the query runs, 0 once it finished, failed or was terminated.") {
            $0.state == .running ? 1 : 0
        }
        let sinks = queries.map { ($0.id, $0.sinkHealth.snapshot, $0.errorLogTrimmed) }
        func sinkFamily(_ name: String, _ type: String, _ help: String, _ value: (SinkHealth.Snapshot, Int) -> Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (id, health, trimmed) in sinks { text += "\(name){query=\"\(escape(id))\"} \(value(health, trimmed))\n" }
        }
        sinkFamily("rivulet_query_sink_available", "gauge", "0 while the query's sink cannot be reached and is retried, else 1.") { health, _ in
            health.unavailable == nil ? 1 : 0
        }
        sinkFamily("rivulet_query_sink_retries_total", "counter", "Attempts to reach the query's sink that failed and were retried.") { health, _ in
            health.retries
        }
        sinkFamily("rivulet_query_sink_outages_total", "counter", "Times the query's sink became unreachable.") { health, _ in health.outages }
        sinkFamily(
            "rivulet_query_error_log_trimmed_total", "counter", "Bad records dropped from the query's error log to keep it within its bound."
        ) { _, trimmed in trimmed }
        text += "# HELP rivulet_query_kafka_consumer_lag Records in a Kafka source partition that the query has not read yet.\n"
        text += "# TYPE rivulet_query_kafka_consumer_lag gauge\n"
        for (id, status) in statuses {
            for lag in status.metrics.partitionLags {
                text += "rivulet_query_kafka_consumer_lag{query=\"\(escape(id))\",source=\"\(escape(lag.source))\","
                    + "topic=\"\(escape(lag.topic))\",partition=\"\(lag.partition)\"} \(lag.lag)\n"
            }
        }
        text += "# HELP rivulet_queries Persistent queries by state.\n# TYPE rivulet_queries gauge\n"
        for state in [QueryState.running, .finished, .failed, .terminated] {
            let count = statuses.filter { $0.1.state == state }.count
            text += "rivulet_queries{state=\"\(state.rawValue)\"} \(count)\n"
        }
        return text
    }

    private static func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
