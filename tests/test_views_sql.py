"""The latest-state view SQL is valid BigQuery standard SQL and computes the latest state.

The same generated statement is parsed with sqlglot's BigQuery dialect, transpiled to
DuckDB and run over sample change events as the Debezium SMT writes them.
"""

from __future__ import annotations

import duckdb
import pytest
import sqlglot

from channelkit.constructs.debezium import MYSQL_POSITION_COLUMNS, POSTGRES_POSITION_COLUMNS
from channelkit.sql import latest_state_sql, quote_identifier

MYSQL_SQL = latest_state_sql(
    source_table="`orders_changes`", columns=["id", "region", "total"], primary_key=["id", "region"],
    position_columns=[c for c, _ in MYSQL_POSITION_COLUMNS],
)
POSTGRES_SQL = latest_state_sql(
    source_table="`tickets_changes`", columns=["id", "status"], primary_key=["id"],
    position_columns=[c for c, _ in POSTGRES_POSITION_COLUMNS],
)


def _run(sql: str, ddl: str, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(ddl)
    table = ddl.split()[2]
    placeholders = ",".join("?" for _ in rows[0])
    con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
    duck = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
    return sorted(con.execute(duck).fetchall())


@pytest.mark.parametrize("sql", [MYSQL_SQL, POSTGRES_SQL])
def test_view_sql_is_valid_bigquery_standard_sql(sql: str) -> None:
    parsed = sqlglot.parse_one(sql, read="bigquery")
    assert isinstance(parsed, sqlglot.exp.Select)
    window = parsed.find(sqlglot.exp.Window)
    assert window is not None and window.find(sqlglot.exp.RowNumber) is not None
    # round trip: BigQuery SQL regenerated from the tree parses again to the same tree
    assert sqlglot.parse_one(parsed.sql(dialect="bigquery"), read="bigquery") == parsed


def test_mysql_latest_state_keeps_newest_by_binlog_position_and_drops_deletes() -> None:
    ddl = ("CREATE TABLE orders_changes (id BIGINT, region VARCHAR, total DOUBLE, __op VARCHAR, __deleted VARCHAR, "
           "__source_ts_ms BIGINT, __source_file VARCHAR, __source_pos BIGINT, __source_row BIGINT)")
    rows = [
        # snapshot
        (1, "eu", 10.0, "r", "false", 1000, "mysql-bin.000009", 500, 0),
        (2, "eu", 20.0, "r", "false", 1000, "mysql-bin.000009", 500, 0),
        (3, "us", 30.0, "r", "false", 1000, "mysql-bin.000009", 500, 0),
        (1, "us", 11.0, "r", "false", 1000, "mysql-bin.000009", 500, 0),  # same id, other region: other key
        # key (1, eu): two updates in one binlog event; the later row wins even with the same timestamp
        (1, "eu", 12.0, "u", "false", 2000, "mysql-bin.000010", 120, 0),
        (1, "eu", 13.0, "u", "false", 2000, "mysql-bin.000010", 120, 1),
        # key (2, eu): deleted after an update -> gone
        (2, "eu", 21.0, "u", "false", 3000, "mysql-bin.000010", 300, 0),
        (2, "eu", 21.0, "d", "true", 4000, "mysql-bin.000010", 400, 0),
        # key (3, us): deleted, then re-inserted -> present with the new value
        (3, "us", 30.0, "d", "true", 5000, "mysql-bin.000010", 500, 0),
        (3, "us", 33.0, "c", "false", 6000, "mysql-bin.000011", 4, 0),
        # key (4, eu): arrives late in the log but is older by binlog position -> the newer one wins
        (4, "eu", 44.0, "c", "false", 7000, "mysql-bin.000011", 90, 0),
        (4, "eu", 40.0, "c", "false", 9000, "mysql-bin.000010", 900, 0),
    ]
    result = _run(MYSQL_SQL, ddl, rows)
    assert result == [
        (1, "eu", 13.0, 2000),
        (1, "us", 11.0, 1000),
        (3, "us", 33.0, 6000),
        (4, "eu", 44.0, 7000),
    ]


def test_postgres_latest_state_orders_by_lsn() -> None:
    ddl = ("CREATE TABLE tickets_changes (id BIGINT, status VARCHAR, __op VARCHAR, __deleted VARCHAR, "
           "__source_ts_ms BIGINT, __source_lsn BIGINT)")
    rows = [
        (1, "open", "r", "false", 100, 26849768),
        (1, "closed", "u", "false", 100, 26850384),   # same ms, greater LSN wins
        (2, "open", "c", "false", 200, 26850400),
        (2, "", "d", "true", 300, 26850712),           # delete rows carry defaults in non-key columns
        (3, "open", "c", "false", 400, 26850800),
        (3, "pending", "u", None, 400, 26850900),      # a missing __deleted counts as not deleted
    ]
    assert _run(POSTGRES_SQL, ddl, rows) == [(1, "closed", 100), (3, "pending", 400)]


def test_quote_identifier_rejects_anything_but_plain_identifiers() -> None:
    assert quote_identifier("order_id") == "`order_id`"
    with pytest.raises(ValueError):
        quote_identifier("x`; DROP TABLE y; --")


def test_latest_state_sql_needs_a_primary_key() -> None:
    with pytest.raises(ValueError, match="primary key"):
        latest_state_sql(source_table="`t`", columns=["a"], primary_key=[], position_columns=["__source_lsn"])
