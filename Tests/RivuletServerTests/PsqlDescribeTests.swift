import Foundation
import Testing

/// psql's `\d` family over the server: every pg_catalog query psql sends runs in the planner
/// over the system catalog, so `\dt`, `\d`, `\dv`, `\di`, `\d NAME` and their `+` forms print
/// streams and tables as Postgres tables (psql names relation kinds itself) with Postgres type
/// names; `\l`, `\dn` and `\du` list the one database, schema and role, `\ds`, `\df` and `\dT`
/// nothing.
@Suite(.timeLimit(.minutes(2)))
struct PsqlDescribeTests {
    static let setup = [
        "CREATE STREAM pageviews (user_id INT, url VARCHAR, amount DECIMAL(10, 2), ts TIMESTAMP(3), "
            + "WATERMARK FOR ts AS ts - INTERVAL '4' SECOND)",
        "CREATE TABLE users (id BIGINT, name VARCHAR, active BOOLEAN, born DATE, score DOUBLE, PRIMARY KEY (id) NOT ENFORCED)",
        "CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n FROM pageviews GROUP BY user_id",
        "CREATE VIEW home AS SELECT user_id, url FROM pageviews WHERE url = 'home'",
    ]

    /// psql's own aligned output with headers, titles and footers.
    static func describe(_ server: ServeProcess, _ command: String) async throws -> String {
        let result = try await server.psql(["-P", "format=aligned", "-P", "tuples_only=off", "-c", command])
        #expect(result.status == 0, "\(command): \(result.stderr)\nserver: \(server.stderr)")
        #expect(result.stderr.isEmpty, "\(command): \(result.stderr)")
        return result.stdout
    }

    @Test func listsRelationsAndDescribesTheirColumns() async throws {
        try await ServeProcess.with { server, _ in
            for statement in Self.setup { _ = try await server.sql(statement) }

            #expect(try await Self.describe(server, "\\dt") == """
                          List of relations
                 Schema |   Name    | Type  |  Owner  
                --------+-----------+-------+---------
                 public | pageviews | table | rivulet
                 public | users     | table | rivulet
                 public | visits    | table | rivulet
                (3 rows)


                """)
            #expect(try await Self.describe(server, "\\d") == """
                          List of relations
                 Schema |   Name    | Type  |  Owner  
                --------+-----------+-------+---------
                 public | home      | view  | rivulet
                 public | pageviews | table | rivulet
                 public | users     | table | rivulet
                 public | visits    | table | rivulet
                (4 rows)


                """)
            #expect(try await Self.describe(server, "\\dv") == """
                       List of relations
                 Schema | Name | Type |  Owner  
                --------+------+------+---------
                 public | home | view | rivulet
                (1 row)


                """)
            #expect(try await Self.describe(server, "\\d home") == """
                                      View "public.home"
                 Column  |       Type        | Collation | Nullable | Default 
                ---------+-------------------+-----------+----------+---------
                 user_id | integer           |           |          | 
                 url     | character varying |           |          | 


                """)
            #expect(try await Self.describe(server, "\\dt u*") == """
                        List of relations
                 Schema | Name  | Type  |  Owner  
                --------+-------+-------+---------
                 public | users | table | rivulet
                (1 row)


                """)

            #expect(try await Self.describe(server, "\\d pageviews") == """
                                         Table "public.pageviews"
                 Column  |              Type              | Collation | Nullable | Default 
                ---------+--------------------------------+-----------+----------+---------
                 user_id | integer                        |           |          | 
                 url     | character varying              |           |          | 
                 amount  | numeric(10,2)                  |           |          | 
                 ts      | timestamp(3) without time zone |           |          | 


                """)
            #expect(try await Self.describe(server, "\\d users") == """
                                    Table "public.users"
                 Column |       Type        | Collation | Nullable | Default 
                --------+-------------------+-----------+----------+---------
                 id     | bigint            |           | not null | 
                 name   | character varying |           |          | 
                 active | boolean           |           |          | 
                 born   | date              |           |          | 
                 score  | double precision  |           |          | 
                Indexes:
                    "users_pkey" PRIMARY KEY, hash (id)


                """)
            // The verbose form names the event-time column; a stream is a heap, as Postgres' tables are.
            let verbose = try await Self.describe(server, "\\d+ pageviews")
            #expect(verbose.contains("| event time; watermark ts - 4 s\n"), "\(verbose)")
            #expect(verbose.contains("\nAccess method: heap\n"), "\(verbose)")
            let materialized = try await Self.describe(server, "\\d visits")
            #expect(materialized.contains("\"visits_pkey\" PRIMARY KEY, hash (user_id)"), "\(materialized)")

            let missing = try await server.psql(["-c", "\\d nosuch"])
            #expect(missing.stderr.contains("Did not find any relation named \"nosuch\"."), "\(missing.stderr)")
            let databases = try await server.psql(["-c", "\\l"])
            #expect(databases.status == 0 && databases.stdout == "rivulet|rivulet|UTF8|C.UTF-8|C.UTF-8||libc|\n", "\(databases)")
            let schemas = try await server.psql(["-c", "\\dn"])
            #expect(schemas.status == 0 && schemas.stdout == "public|rivulet\n", "\(schemas)")
            let sequences = try await server.psql(["-c", "\\ds"])
            #expect(sequences.status == 0 && sequences.stdout.isEmpty, "\(sequences.stdout)")
            #expect(sequences.stderr == "Did not find any relations.\n", "\(sequences.stderr)")
        }
    }

    /// The other meta-commands and the `+` forms, every query they send run by the planner:
    /// what psql prints is what it prints for Postgres' objects of the same kinds.
    @Test func describesInDetailAndListsIndexesDatabasesSchemasAndRoles() async throws {
        try await ServeProcess.with { server, _ in
            for statement in Self.setup { _ = try await server.sql(statement) }

            // Every relation with its persistence, access method, size and description (its connector).
            #expect(try await Self.describe(server, "\\d+") == """
                                                      List of relations
                 Schema |   Name    | Type  |  Owner  | Persistence | Access method |  Size   | Description  
                --------+-----------+-------+---------+-------------+---------------+---------+--------------
                 public | home      | view  | rivulet | permanent   |               | 0 bytes | 
                 public | pageviews | table | rivulet | permanent   | heap          | 0 bytes | embedded
                 public | users     | table | rivulet | permanent   | heap          | 0 bytes | embedded
                 public | visits    | table | rivulet | permanent   | heap          | 0 bytes | materialized
                (4 rows)


                """)
            #expect(try await Self.describe(server, "\\dt+") == """
                                                      List of relations
                 Schema |   Name    | Type  |  Owner  | Persistence | Access method |  Size   | Description  
                --------+-----------+-------+---------+-------------+---------------+---------+--------------
                 public | pageviews | table | rivulet | permanent   | heap          | 0 bytes | embedded
                 public | users     | table | rivulet | permanent   | heap          | 0 bytes | embedded
                 public | visits    | table | rivulet | permanent   | heap          | 0 bytes | materialized
                (3 rows)


                """)
            // A primary key is an index of its table.
            #expect(try await Self.describe(server, "\\di") == """
                                List of relations
                 Schema |    Name     | Type  |  Owner  | Table  
                --------+-------------+-------+---------+--------
                 public | users_pkey  | index | rivulet | users
                 public | visits_pkey | index | rivulet | visits
                (2 rows)


                """)
            // No functions or types of the user's own.
            #expect(try await Self.describe(server, "\\df") == """
                                       List of functions
                 Schema | Name | Result data type | Argument data types | Type 
                --------+------+------------------+---------------------+------
                (0 rows)


                """)
            #expect(try await Self.describe(server, "\\dT") == """
                     List of data types
                 Schema | Name | Description 
                --------+------+-------------
                (0 rows)


                """)
            #expect(try await Self.describe(server, "\\df+") == """
                                                                                          List of functions
                 Schema | Name | Result data type | Argument data types | Type | Volatility | Parallel | Owner | Security | Access privileges | Language | Source code | Description 
                --------+------+------------------+---------------------+------+------------+----------+-------+----------+-------------------+----------+-------------+-------------
                (0 rows)


                """)
            #expect(try await Self.describe(server, "\\dT+") == """
                                                    List of data types
                 Schema | Name | Internal name | Size | Elements | Owner | Access privileges | Description 
                --------+------+---------------+------+----------+-------+-------------------+-------------
                (0 rows)


                """)
            // One role, a member of none.
            #expect(try await Self.describe(server, "\\du") == """
                           List of roles
                 Role name | Attributes | Member of 
                -----------+------------+-----------
                 rivulet   |            | {}


                """)
            // One database; the size of its files is 0.
            #expect(try await Self.describe(server, "\\l") == """
                                                          List of databases
                  Name   |  Owner  | Encoding | Collate |  Ctype  | ICU Locale | Locale Provider | Access privileges 
                ---------+---------+----------+---------+---------+------------+-----------------+-------------------
                 rivulet | rivulet | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | 
                (1 row)


                """)
            #expect(try await Self.describe(server, "\\l+") == """
                                                                            List of databases
                  Name   |  Owner  | Encoding | Collate |  Ctype  | ICU Locale | Locale Provider | Access privileges |  Size   | Tablespace | Description 
                ---------+---------+----------+---------+---------+------------+-----------------+-------------------+---------+------------+-------------
                 rivulet | rivulet | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            |                   | 0 bytes | pg_default | 
                (1 row)


                """)
            // One schema.
            #expect(try await Self.describe(server, "\\dn") == """
                 List of schemas
                  Name  |  Owner  
                --------+---------
                 public | rivulet
                (1 row)


                """)
            #expect(try await Self.describe(server, "\\dn+") == """
                                  List of schemas
                  Name  |  Owner  | Access privileges | Description 
                --------+---------+-------------------+-------------
                 public | rivulet |                   | 
                (1 row)


                """)
            // The verbose form lists storage and description columns and the key's index.
            #expect(try await Self.describe(server, "\\d+ users") == """
                                                               Table "public.users"
                 Column |       Type        | Collation | Nullable | Default | Storage  | Compression | Stats target | Description 
                --------+-------------------+-----------+----------+---------+----------+-------------+--------------+-------------
                 id     | bigint            |           | not null |         | plain    |             |              | 
                 name   | character varying |           |          |         | extended |             |              | 
                 active | boolean           |           |          |         | plain    |             |              | 
                 born   | date              |           |          |         | plain    |             |              | 
                 score  | double precision  |           |          |         | plain    |             |              | 
                Indexes:
                    "users_pkey" PRIMARY KEY, hash (id)
                Access method: heap


                """)
            // Numeric values are stored main, as Postgres stores them; the event-time column says so.
            #expect(try await Self.describe(server, "\\d+ pageviews") == """
                                                                              Table "public.pageviews"
                 Column  |              Type              | Collation | Nullable | Default | Storage  | Compression | Stats target |          Description           
                ---------+--------------------------------+-----------+----------+---------+----------+-------------+--------------+--------------------------------
                 user_id | integer                        |           |          |         | plain    |             |              | 
                 url     | character varying              |           |          |         | extended |             |              | 
                 amount  | numeric(10,2)                  |           |          |         | main     |             |              | 
                 ts      | timestamp(3) without time zone |           |          |         | plain    |             |              | event time; watermark ts - 4 s
                Access method: heap


                """)
            // A key's index: its columns, kept in a hash map.
            #expect(try await Self.describe(server, "\\d users_pkey") == """
                      Index "public.users_pkey"
                 Column |  Type  | Key? | Definition 
                --------+--------+------+------------
                 id     | bigint | yes  | id
                primary key, hash, for table "public.users"


                """)
            // A view's definition is its SQL.
            #expect(try await Self.describe(server, "\\d+ home") == """
                                                  View "public.home"
                 Column  |       Type        | Collation | Nullable | Default | Storage  | Description 
                ---------+-------------------+-----------+----------+---------+----------+-------------
                 user_id | integer           |           |          |         | plain    | 
                 url     | character varying |           |          |         | extended | 
                View definition:
                SELECT user_id, url FROM pageviews WHERE url = 'home'


                """)
            let sequences = try await server.psql(["-c", "\\ds"])
            #expect(sequences.status == 0 && sequences.stderr == "Did not find any relations.\n", "\(sequences.stderr)")
        }
    }
}
