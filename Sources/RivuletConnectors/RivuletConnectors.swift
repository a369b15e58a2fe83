// Sources and sinks: files, generators, SQLite.
