# The client story with SQLAlchemy Core (on psycopg 3): bound parameters, the relations listed
# and their columns reflected through inspect(), and pandas.read_sql over the same engine.
import sys, time

import pandas
import sqlalchemy
from sqlalchemy import bindparam, text

port, prefix = int(sys.argv[1]), sys.argv[2]
clicks, counts = f"{prefix}_clicks", f"{prefix}_counts"

engine = sqlalchemy.create_engine(f"postgresql+psycopg://story@127.0.0.1:{port}/rivulet", isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    print("connected", conn.execute(text("SELECT 1")).scalar())
    conn.execute(text(f"CREATE STREAM {clicks} (user_id BIGINT, page VARCHAR)"))
    table = sqlalchemy.table(clicks, sqlalchemy.column("user_id"), sqlalchemy.column("page"))
    conn.execute(table.insert(), [
        {"user_id": 1, "page": "home"}, {"user_id": 2, "page": "cart"},
        {"user_id": 1, "page": "home"}, {"user_id": 3, "page": "home"},
    ])
    print("inserted", conn.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(table)).scalar())
    conn.execute(text(f"CREATE TABLE {counts} AS SELECT page, COUNT(*) AS n FROM {clicks} GROUP BY page"))
    inspector = sqlalchemy.inspect(conn)
    print("tables", sorted(name for name in inspector.get_table_names() if name.startswith(prefix)))
    print("has_table", inspector.has_table(counts), inspector.has_table(f"{prefix}_missing"))
    # Column reflection runs SQLAlchemy's own pg_catalog queries (correlated scalar subqueries),
    # here through an engine with its default settings (transactions, psycopg's savepoints).
    reflector = sqlalchemy.inspect(sqlalchemy.create_engine(f"postgresql+psycopg://story@127.0.0.1:{port}/rivulet"))
    print("columns", [(c["name"], str(c["type"]), c["nullable"]) for c in reflector.get_columns(counts)])
    print("primary key", reflector.get_pk_constraint(counts)["constrained_columns"], reflector.get_unique_constraints(counts))
    print("foreign keys", reflector.get_foreign_keys(counts), reflector.get_check_constraints(counts))
    print("options", reflector.get_table_options(counts), reflector.get_table_comment(counts))
    # Index reflection unnests pg_index's arrays side by side; a Table reflected whole reads them too.
    reflected = sqlalchemy.Table(counts, sqlalchemy.MetaData(), autoload_with=reflector.bind)
    print("indexes", reflector.get_indexes(counts), [c.name for c in reflected.columns],
          [c.name for c in reflected.primary_key], sorted(index.name for index in reflected.indexes))
    pull = text(f"SELECT n FROM {counts} WHERE page = :page")
    deadline = time.monotonic() + 20
    while (n := conn.execute(pull, {"page": "home"}).scalar()) != 3:
        if time.monotonic() > deadline:
            sys.exit(f"the table counted {n} home clicks, not 3, within 20 s")
        time.sleep(0.05)
    print("pull", n)
    frame = pandas.read_sql(text(f"SELECT page, n FROM {counts} WHERE n >= :least"), conn, params={"least": 1})
    print("pandas", sorted(frame.itertuples(index=False, name=None)))
    print("push", [tuple(row) for row in conn.execute(text(f"SELECT user_id, page FROM {clicks} EMIT CHANGES LIMIT 2"))])
    try:
        conn.execute(text(f"SELECT * FROM {prefix}_missing"))
    except sqlalchemy.exc.DBAPIError as error:
        print("error", error.orig.sqlstate)
engine.dispose()
print("closed")
