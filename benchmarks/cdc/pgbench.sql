-- pgbench_accounts through postgres-cdc, a GROUP BY, into SQLite (benchmarks/cdc/run.sh).
CREATE TABLE accounts (aid INT, bid INT, abalance INT, filler VARCHAR, PRIMARY KEY (aid) NOT ENFORCED) WITH (
  'connector' = 'postgres-cdc', 'hostname' = '127.0.0.1', 'port' = '${PGPORT}', 'username' = 'rivulet',
  'database-name' = 'postgres', 'table-name' = 'pgbench_accounts', 'slot.name' = 'rivulet_bench');
CREATE TABLE branch_balances (bid INT, balance BIGINT, accounts BIGINT, PRIMARY KEY (bid) NOT ENFORCED)
  WITH ('connector' = 'sqlite', 'path' = '${SINK}', 'table' = 'branch_balances');
INSERT INTO branch_balances SELECT bid, SUM(abalance), COUNT(*) FROM accounts GROUP BY bid;
