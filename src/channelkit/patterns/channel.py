"""The L3 :class:`Channel`: one object provisions a whole CDC channel.

A channel is three independent choices, each a family of its own:

- a **source** (:mod:`channelkit.sources`): the service database and its Debezium connector;
- a **streaming platform** (:mod:`channelkit.platforms`), given as the ``kafka=`` + ``connect=`` props:
  topics, their access model and the connector runtime;
- a **warehouse** (:mod:`channelkit.warehouses`): storage, the sink connector and read grants.

``Channel`` holds only what every channel shares: validation of the common props (every part's own
checks gathered with them), naming, and names claimed across the app. It then builds, below its
construct ``Target``: the platform's part, the warehouse's storage, the CDC user, the source
connector and the sink connector.

Attributes other code may rely on (stable contract): ``channel_name``, ``tables``, ``source``,
``kafka``, ``connect``, ``platform``, ``warehouse``, ``stack``, ``owner``, ``readers``, ``retention_days``,
``retention_ms``, ``topic_prefix``, ``topic_name(table)``, ``table_topics``, ``history_topic``,
``dlq_topic``, ``heartbeat_topic``, ``server_id``, ``slot_name``, ``publication_name``, ``source_connector_name``,
``sink_connector_name``, ``sink_group``, ``labels``, ``manage_db_user``, ``db_user_name``,
``debezium_config(...)``, ``target``, ``platform_deployment``, ``warehouse_deployment``, ``db_user``,
``grant_read(...)``, ``summary()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from constructs import Construct

from channelkit._stack import has_child_of_type, random_provider
from channelkit.catalog import CONTRACT_VERSION, Lineage, check_catalog_props, lineage_config, register
from channelkit.claims import Claim, check_claims
from channelkit.columns import LogicalType, TypeParseError
from channelkit.columns import parse as parse_type
from channelkit.constructs._util import (
    check_scope_and_id,
    child_id,
    context_for_child,
    path_of,
    remember_scope,
    root_of,
    stack_of,
)
from channelkit.constructs.aws.rules import check_principal
from channelkit.constructs.database import CdcDatabaseUser
from channelkit.constructs.errors import (
    CollisionError,
    ConstructPropsError,
    InvalidNameError,
    KindedProblems,
    PrincipalError,
    TableDefinitionError,
)
from channelkit.constructs.naming import (
    check_gcp_principal,
    check_kafka_principal,
    check_kafka_topic,
    label_value,
    snake,
)
from channelkit.errors import ProblemCollector
from channelkit.governance import channel_level, masking_problem, rank
from channelkit.governance.policy import (
    DataPolicy,
    PolicyViolationError,
    all_violations,
    policies_for,
    reader_violations,
    register_channel,
    report_violations,
)
from channelkit.platforms import ConnectorSpec, Platform, PlatformDeployment, accepted_pairs, resolve
from channelkit.props import Days, Moment, check_props
from channelkit.quality.validate import check_column_checks, check_table_checks
from channelkit.sources import Source, SourceNames
from channelkit.warehouses import Warehouse, WarehouseDeployment

from .model import CLASSIFICATIONS, Column, Reader, Table, Team

__all__ = ["EMULATOR_CONTEXT", "Channel"]

#: cdktf context key: ``true`` leaves out, in every channel of the app, what a local emulator cannot apply.
EMULATOR_CONTEXT = "channelkit:local-emulator"

_PRINCIPAL_CHECKS = {"kafka": check_kafka_principal, "gcp": check_gcp_principal, "aws": check_principal}


class Channel(Construct):
    """One CDC channel: service database → Debezium → Kafka → warehouse.

    Args:
        scope: parent construct (usually a stack).
        id: construct id; the channel name is derived from it (lower case, ``[a-z0-9_]``).
        source: a source prop (:class:`~channelkit.sources.MySqlSource`, :class:`~channelkit.sources.MariaDbSource`,
            :class:`~channelkit.sources.PostgresSource`).
        tables: the captured tables (at least one; each with a primary key).
        kafka: the Kafka cluster prop (``KafkaCluster``, ``MskCluster``).
        connect: the connector runtime prop that goes with it (``ConnectCluster``, ``MskConnect``).
        warehouse: the warehouse prop (``BigQuery(...)``, ``AwsLake(...)``).
        owner: the owning team.
        readers: readers granted on creation: :class:`~channelkit.patterns.model.Reader` or principal
            strings (default none).
        retention: how long topics keep change events (default 7 days; whole days, at least 1). The
            warehouse keeps its change history on its own terms (``history_retention``, default: kept).
        partitions: partitions of each table topic (default 3).
        replication_factor: replication factor of every topic (default ``min(3, brokers)``).
        version: the version of the channel's data contract (ODCS ``version``, semantic versioning; default
            ``1.0.0``); the catalog (:mod:`channelkit.catalog`) and the warehouse's labels carry it.
        lineage: turn on Debezium's OpenLineage integration in the source connector
            (:class:`~channelkit.catalog.Lineage`; default None: off).

    Raises:
        ConstructPropsError, PrincipalError, TableDefinitionError, InvalidNameError, CollisionError: one
            error with every problem of every check (props, readers, tables, names, claims), raised before
            the channel joins the construct tree. Problems of several kinds raise one error deriving from
            each kind found (:func:`~channelkit.constructs.errors.combined_error`).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: Source,
        tables: Sequence[Table],
        kafka: Any,
        connect: Any,
        warehouse: Warehouse,
        owner: Team,
        readers: Sequence[Reader | str] = (),
        retention: timedelta = timedelta(days=7),
        partitions: int = 3,
        replication_factor: int | None = None,
        version: str = CONTRACT_VERSION,
        lineage: Lineage | None = None,
    ) -> None:
        #: The props as given (every keyword argument), e.g. to write the channel back as a declaration.
        self.declared: dict[str, Any] = {k: v for k, v in locals().items() if k not in ("self", "scope", "id",
                                                                                          "__class__")}
        # Every check runs before the construct joins the tree: a rejected channel leaves nothing behind.
        path = _id_path(scope, id)
        #: The channel's construct path (also before it joins the tree, while its names are checked).
        self.path: str = path
        #: The channel's construct id.
        self.node_id: str = id if isinstance(id, str) else ""
        found = KindedProblems(path)
        given_tables = tuple(tables) if isinstance(tables, list | tuple) else ()
        #: The stack holding the channel (looked up once: every family puts its providers there).
        self.stack: Construct = self._stack_of(found.of(ConstructPropsError, f"invalid channel props at {path}"),
                                               scope, id)
        self.channel_name: str = snake(id) if isinstance(id, str) else ""
        self.source = source
        self.tables: tuple[Table, ...] = given_tables
        self.kafka, self.connect, self.warehouse, self.owner = kafka, connect, warehouse, owner
        self.readers: tuple[Reader | str, ...] = tuple(readers) if isinstance(readers, list | tuple) else ()
        self.partitions = partitions
        found_platform = resolve(kafka, connect)
        self.retention_days: int = retention.days if isinstance(retention, timedelta) else 0
        self.retention_ms: int = self.retention_days * 86_400_000
        ok = self._check_props(found.of(ConstructPropsError), id, found_platform, retention, partitions,
                               replication_factor)
        self.version, self.lineage = version, lineage
        check_catalog_props(found.of(ConstructPropsError), version, lineage, owner)
        self.platform: Platform = found_platform  # type: ignore[assignment]  # None only when a problem is recorded
        brokers: Any = found_platform.broker_count if found_platform is not None else None
        self.replication_factor: int = (
            replication_factor if replication_factor is not None or not _is_int(brokers)
            else min(3, brokers))  # type: ignore[assignment]  # None only with a broker_count problem recorded
        self._check_readers(found.of(PrincipalError, f"invalid readers at {path}"), found.of(ConstructPropsError),
                            readers, ok)
        self.tables = self._check_tables(found.of(TableDefinitionError, f"invalid tables at {path}"), tables,
                                         ok["source"])
        if ok["platform"] and isinstance(readers, list | tuple):
            self._check_kafka_clearances(found.of(PrincipalError, f"invalid readers at {path}"), readers)
        if ok["source"] and self.channel_name:  # names derive from the id and the source
            self._derive_names()
            self._check_names(found.of(InvalidNameError, f"invalid names at {path}"), ok)
        #: The data policies the channel was checked against (its stack's, then its app's).
        self.policies: list[DataPolicy] = []
        if all(ok.values()) and self.stack is not None:
            self.policies = policies_for(self.stack, self._channelkit_root)
            violations = all_violations(self.policies, self)
            if not report_violations(self, violations):  # a review's synthesis records them instead
                found.of(PolicyViolationError, f"channel {path} breaks its data policy").problems.extend(violations)
        if ok["source"] and ok["warehouse"] and found_platform is not None and self.channel_name and self.stack:
            try:
                self._claim(path)
            except CollisionError as exc:
                found.of(CollisionError, f"channel {path} collides with another channel").problems.extend(exc.problems)
        if found.problems:
            _release(self.stack, path)
            found.raise_if_any(f"invalid channel at {path}")
        super().__init__(scope, id)
        remember_scope(self, scope, id)  # the tree is read on the Python side from here on: no round trips
        register_channel(self)
        self.tables = given_tables
        self.labels: dict[str, str] = {
            "owner": label_value(owner.name),
            "channel": label_value(self.channel_name),
            "classification": max((t.classification for t in self.tables), key=CLASSIFICATIONS.index),
        }
        self.local_emulator: bool = warehouse.local_emulator or _flag(context_for_child(scope, EMULATOR_CONTEXT))
        #: Tags for every taggable cloud resource of the channel.
        self.aws_tags: dict[str, str] = warehouse.resource_tags(self)

        self.target = Construct(self, "Target")
        remember_scope(self.target, self, "Target")
        self.platform_deployment: PlatformDeployment = self.platform.deploy(
            self, self.target, local_emulator=self.local_emulator)
        self.warehouse_deployment: WarehouseDeployment = warehouse.deploy(self, self.target, self.platform_deployment)
        self.db_user: CdcDatabaseUser | None = None
        self.source_connector = self._deploy_source()
        self.sink_connector = self.warehouse_deployment.deploy_sink()
        self.reader_grants: list[Any] = []
        #: Readers granted by ``grant_read`` after construction.
        self.later_readers: list[Reader] = []
        self._readers_checked = True  # against the policies too, with the channel
        for reader in self.readers:
            self.reader_grants += self.grant_read(reader)
        self._readers_checked = False
        register(self, self._channelkit_root)  # the app's catalog, written when it synthesizes

    def _derive_names(self) -> None:
        """The names the channel derives from its props (the source is usable; the tables may not all be)."""
        source = self.source
        self.names: SourceNames = source.names(self.channel_name)
        self.topic_prefix: str = source.topic_prefix or self.channel_name
        self.table_topics: dict[str, str] = {t.name: self.topic_name(t) for t in self.tables}
        self.dlq_topic: str = f"{self.topic_prefix}-dlq"
        self.history_topic: str | None = f"{self.topic_prefix}.schema-history" if source.uses_history_topic else None
        #: The topic the source connector writes heartbeats to (Postgres), or None.
        self.heartbeat_topic: str | None = source.heartbeat_topic(self.topic_prefix)
        self.server_id: int | None = self.names.server_id
        self.slot_name: str | None = self.names.slot_name
        self.publication_name: str | None = self.names.publication_name
        self.source_connector_name: str = f"{self.channel_name}-source"
        self.sink_connector_name: str = f"{self.channel_name}-sink"
        #: Consumer group of the sink connector (Kafka Connect's ``connect-<connector name>``).
        self.sink_group: str = f"connect-{self.sink_connector_name}"
        self.manage_db_user: bool = source.manage_user
        self.db_user_name: str = self.names.db_user

    # -- names -----------------------------------------------------------------------------------------------
    def topic_name(self, table: Table | str) -> str:
        """The topic Debezium writes ``table`` to: ``<topic.prefix>.<db>.<table>`` (schema for Postgres)."""
        name = table if isinstance(table, str) else table.name
        return f"{self.topic_prefix}.{self.source.namespace}.{name}"

    @property
    def bootstrap_servers(self) -> str:
        """The Kafka bootstrap servers as one comma-separated string."""
        servers = self.kafka.bootstrap_servers
        return servers if isinstance(servers, str) else ",".join(servers)

    def debezium_config(self, password_ref: str | None = None, **extra: str) -> dict[str, str]:
        """The complete Debezium source connector config of this channel, as the source builds it.

        The password is not part of it unless given: a runtime that keeps it in ``config_sensitive``
        (Kafka Connect) passes nothing; a runtime that resolves secrets through a config provider passes
        the placeholder (``${secretsmanager:...}``) as ``password_ref``, which becomes ``database.password``.

        Args:
            password_ref: a reference/placeholder for ``database.password`` (default None: left out).
            **extra: keys to add or override (use ``**{"a.b": "c"}`` for dotted keys).

        Raises:
            ConstructPropsError: ``password_ref`` is a literal rather than a ``${...}`` reference.
        """
        config = self._connector_config(self.db_user_name)
        if password_ref:
            problems = ProblemCollector(path_of(self))
            problems.check(isinstance(password_ref, str) and password_ref.startswith("${"), "password_ref",
                           "<redacted>",
                           "a reference or config-provider placeholder '${...}', never a literal password")
            problems.raise_if_any(ConstructPropsError, f"invalid password reference at {path_of(self)}")
            config["database.password"] = password_ref
        config.update(extra)
        return config

    def _connector_config(self, user: str) -> dict[str, str]:
        return lineage_config(self) | self.source.connector_config(
            name=self.source_connector_name, user=user, topic_prefix=self.topic_prefix,
            tables=[t.name for t in self.tables], names=self.names, bootstrap_servers=self.bootstrap_servers,
            history_topic=self.history_topic, delete_handling=self.warehouse.delete_handling)

    def _deploy_source(self) -> Any:
        """The CDC user, its password as the platform keeps it, and the Debezium connector on the platform."""
        platform, target = self.platform_deployment, self.target
        db_password, secret = platform.password(target, username=self.db_user_name,
                                                key=self.warehouse_deployment.secret_key,
                                                for_db_user=self.manage_db_user)
        if self.manage_db_user:
            self.db_user = self.source.db_user(
                target, stack=self.stack, names=self.names, tables=[t.name for t in self.tables], password=db_password,
                random_provider=random_provider(self.stack) if db_password is None else None)
        if secret is None:
            ref = self.db_user.password_ref if self.db_user else (self.source.password_ref or "")
            secret = platform.store_secret(target, "Source", "database.password", ref)
        user = self.db_user.user_ref if self.db_user else self.db_user_name
        config = {**self._connector_config(user), **platform.source_settings()}
        return platform.deploy_connector(platform.connector_scope(target, "Source"), ConnectorSpec(
            kind="Source", name=self.source_connector_name, config=config, plugin="debezium",
            secrets={"database.password": secret}, depends_on=self.db_user.grants if self.db_user else [],
            description="Debezium source connector with msk-config-providers"))

    @property
    def column_types(self) -> Mapping[tuple[str, str], LogicalType]:
        """``(table, column)`` -> logical type, for every column whose declared type parsed."""
        return self._column_types

    def column_type(self, table: Table, column: Column) -> LogicalType:
        """The logical type of ``column`` of ``table``, parsed from its declared type for the source engine."""
        return self._column_types[(table.name, column.name)]

    # -- grants ----------------------------------------------------------------------------------------------
    def grant_read(self, principal: Reader | str, expires: datetime | None = None) -> list[Any]:
        """Grant a reader everything needed to read this channel, in one call.

        A :class:`Reader`'s identities are looked up by system: its identity on the platform's
        ``reader_system`` (``kafka``: consume ACLs on the table topics) and on the warehouse's (``gcp``:
        ``roles/bigquery.dataViewer`` on the dataset; ``aws``: Lake Formation grants and an IAM policy).
        A principal string goes to the platform when it is a Kafka ``User:`` principal, else to the warehouse.

        Args:
            principal: a :class:`Reader` or one principal string.
            expires: end of the grant (default None: no end; a Reader's own ``expires`` wins).

        Returns:
            The resources created.

        Raises:
            PrincipalError: the reader has no identity this channel's platform or warehouse grants.
        """
        platform, warehouse = self.platform_deployment, self.warehouse_deployment
        problems = ProblemCollector(path_of(self))
        problems.check(isinstance(principal, Reader | str), "principal", principal, "a Reader or a principal string")
        problems.raise_if_any(PrincipalError, f"invalid reader at {path_of(self)}")
        if expires is not None:
            Moment().check(problems, "expires", expires)
            problems.raise_if_any(ConstructPropsError, f"invalid read grant at {path_of(self)}")
        if not self._readers_checked:
            for policy in self.policies:
                reader_violations(policy, self, principal, field="principal", problems=problems, expires=expires)
            if problems.problems and not report_violations(self, problems.problems, append=True):
                problems.raise_if_any(PolicyViolationError, f"read grant at {path_of(self)} breaks its data policy")
        if not self._readers_checked:  # a grant after construction: the catalog lists it with the readers
            self.later_readers.append(self._as_reader(principal, expires))
        if isinstance(principal, str):
            if principal.startswith("User:"):
                self._check_kafka_clearance(principal, "internal")
                return platform.grant_read(principal, expires=expires)
            return warehouse.grant_read(principal, expires=expires)
        when = principal.expires or expires
        created: list[Any] = []
        for system, part in self._reader_parts():
            identity = principal.identity(system)
            if not identity:
                continue
            if part is warehouse:
                created += warehouse.grant_read(identity, expires=when, clearance=principal.clearance)
            else:
                self._check_kafka_clearance(identity, principal.clearance)
                created += part.grant_read(identity, expires=when)
        return created

    @property
    def all_readers(self) -> tuple[Reader | str, ...]:
        """The readers of ``readers=`` and those granted by ``grant_read`` since (as Readers)."""
        return (*self.readers, *self.later_readers)

    def _as_reader(self, principal: Reader | str, expires: datetime | None) -> Reader:
        """``principal`` granted until ``expires``, as a :class:`Reader`."""
        if isinstance(principal, Reader):
            return principal if principal.expires or expires is None else dataclasses.replace(principal,
                                                                                                expires=expires)
        system = ("kafka" if principal.startswith("User:") and self.platform.reader_system == "kafka"
                  else self.warehouse.reader_system)
        return Reader(**{system: principal}, expires=expires)

    def _check_kafka_clearances(self, problems: ProblemCollector, readers: Sequence[Any]) -> None:
        """Every Kafka identity of ``readers`` is cleared for the channel's most sensitive column."""
        if self.platform.reader_system != "kafka":
            return
        for i, reader in enumerate(readers):
            if isinstance(reader, Reader) and reader.kafka and reader.clearance in CLASSIFICATIONS:
                self._kafka_clearance_problem(problems, f"readers[{i}].clearance", reader.kafka, reader.clearance)
            elif isinstance(reader, str) and reader.startswith("User:"):
                self._kafka_clearance_problem(problems, f"readers[{i}]", reader, "internal")

    def _kafka_clearance_problem(self, problems: ProblemCollector, field: str, principal: str, clearance: str) -> None:
        needed = channel_level(self.tables)
        problems.check(rank(clearance) >= rank(needed), field, clearance if field.endswith("clearance") else principal,
                       f"clearance {needed!r} or above for Kafka principal {principal} (Reader(kafka=..., "
                       f"clearance=...)): the topics carry every column unmasked, and this channel holds {needed} "
                       "columns; a warehouse identity sees them masked instead")

    def _check_kafka_clearance(self, principal: str, clearance: str) -> None:
        """A Kafka reader must be cleared for every column: a topic carries them all, and Kafka cannot mask."""
        problems = ProblemCollector(self.path)
        self._kafka_clearance_problem(problems, "clearance", principal, clearance)
        problems.raise_if_any(PrincipalError, f"Kafka reader without clearance at {self.path}")

    def _reader_parts(self) -> list[tuple[str, PlatformDeployment | WarehouseDeployment]]:
        parts: list[tuple[str, Any]] = []
        if self.platform.reader_system:
            parts.append((self.platform.reader_system, self.platform_deployment))
        parts.append((self.warehouse.reader_system, self.warehouse_deployment))
        return parts

    def summary(self) -> dict[str, Any]:
        """Channel name, owner, and each part's summary (source, platform, warehouse)."""
        return {
            "channel": self.channel_name,
            "owner": self.owner.name,
            "source": dict(self.source.summary(self.names)),
            **self.platform_deployment.summary(),
            **self.warehouse_deployment.summary(),
        }

    # -- checks ----------------------------------------------------------------------------------------------
    # Each stage records into the one KindedProblems of the constructor; a stage skips only what an earlier
    # problem made unusable (a table topic needs a usable source, a column type needs the source's engine...).
    def _stack_of(self, problems: ProblemCollector, scope: Any, id: Any) -> Any:
        """Check the scope and id; the stack holding the scope (None when there is none)."""
        if not check_scope_and_id(problems, scope, id) and not isinstance(scope, Construct):
            return None
        self._channelkit_root = root_of(scope)
        try:
            return stack_of(scope)
        except RuntimeError:  # jsii: "No stack could be identified for the construct at path ..."
            problems.add("scope", scope.node.path or "<app>", "a TerraformStack or a construct inside one")
            return None

    def _check_props(
        self, problems: ProblemCollector, id: Any, platform: Platform | None, retention: Any, partitions: Any,
        replication_factor: Any,
    ) -> dict[str, bool]:
        """The common props and each part's own props; returns which parts are usable by later stages."""
        if isinstance(id, str) and id:
            problems.check(bool(self.channel_name) and self.channel_name[0].isalpha(), "id", id,
                           "an id starting with a letter (the channel name is derived from it)")
        source_ok = problems.check(isinstance(self.source, Source), "source", self.source,
                                   "a source prop such as MySqlSource(...), MariaDbSource(...) or PostgresSource(...)")
        problems.check(platform is not None, "kafka", self.kafka, f"a platform's props: {accepted_pairs()}")
        warehouse_ok = problems.check(isinstance(self.warehouse, Warehouse), "warehouse", self.warehouse,
                                      "a warehouse prop such as BigQuery(...) or AwsLake(...)")
        if problems.check(isinstance(self.owner, Team), "owner", self.owner, "a Team(name=..., email=...)"):
            check_props(problems, Team.PROPS, self.owner, prefix="owner.")
        ok_ret = problems.check(Days(min_days=1).ok(retention), "retention", retention,
                                "a timedelta of whole days, at least 1 day")
        problems.check(_is_int(partitions) and partitions >= 1, "partitions", partitions, "an integer >= 1")
        brokers: Any = platform.broker_count if platform is not None else None  # checked with the platform's props
        if replication_factor is not None:
            limit = brokers if _is_int(brokers) and brokers >= 1 else None
            ok = _is_int(replication_factor) and replication_factor >= 1 and (
                limit is None or replication_factor <= limit)
            problems.check(ok, "replication_factor", replication_factor,
                           f"an integer between 1 and the cluster's broker count ({limit})")
        source_fields: dict[str, bool] = {}
        if source_ok:
            source_fields = self.source.check(
                problems, platform_owns_password=bool(platform and platform.owns_db_password))
        if platform is not None:
            platform.check(problems, self)
        if self.stack is not None:
            wanted = [*(platform.user_providers if platform else ()),
                      *(self.warehouse.user_providers if warehouse_ok else ())]
            for kind, how in dict.fromkeys(wanted):
                problems.check(has_child_of_type(self.stack, kind), "provider", None,
                               f"the app's own {kind.__name__}: {how}")
        if warehouse_ok:
            self.warehouse.check(problems, self, platform)
        # Topic names are built from the source's namespace and topic prefix: checked only when those are strings.
        topics_ok = source_ok and all(source_fields.get(f, True) for f in self.source.topic_fields)
        return {"source": source_ok, "topics": topics_ok, "warehouse": warehouse_ok, "platform": platform is not None,
                "retention": ok_ret}

    def _check_readers(
        self, problems: ProblemCollector, props: ProblemCollector, readers: Any, ok: dict[str, bool],
    ) -> None:
        """Principals (each checked by its system's rules) in ``problems``; expiries (aware, future) in ``props``."""
        if not isinstance(readers, list | tuple):
            problems.add("readers", readers, "a list of Reader or principal strings")
            return
        platform_system = self.platform.reader_system if ok["platform"] else None
        warehouse_system = self.warehouse.reader_system if isinstance(self.warehouse, Warehouse) else None
        systems = [s for s in (platform_system, warehouse_system) if s]
        for i, reader in enumerate(readers):
            where = f"readers[{i}]"
            if isinstance(reader, Reader):
                identities = {k: v for k, v in Reader.PROPS.items() if k != "expires"}
                typed: dict[str, bool] = check_props(problems, identities, reader, prefix=f"{where}.")
                if Reader.PROPS["expires"].check(props, f"{where}.expires", reader.expires) and reader.expires:
                    for system, part in ((platform_system, self.platform), (warehouse_system, self.warehouse)):
                        identity = reader.identity(system) if system else None
                        if identity and system and typed.get(system) and not part.grant_can_expire(identity):
                            props.add(f"{where}.expires", reader.expires,
                                      f"None: the {system} grant of {identity} cannot expire")
                for system, check in _PRINCIPAL_CHECKS.items():
                    identity = reader.identity(system)
                    if identity is not None and typed[system]:
                        check(problems, f"{where}.{system}", identity)
                if ok["platform"] and ok["warehouse"]:
                    problems.check(any(reader.identity(s) for s in systems), where, reader,
                                   "a Reader with an identity this channel grants: " + ", ".join(systems))
            elif isinstance(reader, str):
                grants = platform_system if reader.startswith("User:") else warehouse_system
                if grants is not None:
                    _PRINCIPAL_CHECKS[grants](problems, where, reader)
                elif reader.startswith("User:") and ok["platform"]:
                    problems.add(where, reader, "a principal of the warehouse: this platform grants no Kafka "
                                                "principals")
            else:
                problems.add(where, reader, "a Reader or a principal string")

    def _check_tables(self, problems: ProblemCollector, tables: Any, source_ok: bool) -> tuple[Table, ...]:
        """Check the tables; return the well-formed part of them (later stages check only that)."""
        self._column_types: dict[tuple[str, str], LogicalType] = {}
        if not isinstance(tables, list | tuple):
            problems.add("tables", tables, "a list of Table(name, primary_key=[...], columns=[...])")
            return ()
        problems.check(len(tables) > 0, "tables", list(tables), "at least one Table")
        identifier = self.source.identifier if source_ok else None
        usable: list[Table] = []
        seen: set[str] = set()
        for i, t in enumerate(tables):
            if not isinstance(t, Table):
                problems.add(f"tables[{i}]", t, "a Table(name, primary_key=[...], columns=[...])")
                continue
            if not Table.PROPS["name"].check(problems, f"tables[{i}].name", t.name):
                continue
            where = f"tables[{t.name}]"
            typed = check_props(problems, {k: r for k, r in Table.PROPS.items() if k != "name"}, t,
                                prefix=f"{where}.")
            if identifier is not None:
                identifier.check(problems, f"{where}.name", t.name)
            if t.name in seen:
                problems.add("tables", t.name, "unique table names (duplicate)")
            seen.add(t.name)
            columns = [c for c in (t.columns if isinstance(t.columns, tuple) else ()) if isinstance(c, Column)]
            cols: set[str] = set()
            good: list[Column] = []
            for j, c in enumerate(columns):
                label = c.name if isinstance(c.name, str) and c.name else j
                column_ok = check_props(problems, Column.PROPS, c, prefix=f"{where}.columns[{label}].")
                if not column_ok["name"]:
                    continue
                if c.name in cols:
                    problems.add(f"{where}.columns", c.name, "unique column names (duplicate)")
                cols.add(c.name)
                if identifier is not None:
                    identifier.check(problems, f"{where}.columns[{c.name}].name", c.name)
                problems.check(not c.name.startswith("__"), f"{where}.columns[{c.name}].name", c.name,
                               "a name not starting with '__' (reserved for CDC metadata)")
                if source_ok and column_ok["type"]:
                    try:
                        logical = self._column_types[(t.name, c.name)] = parse_type(self.source.engine, c.type)
                    except TypeParseError as exc:
                        problems.add(f"{where}.columns[{c.name}].type", c.type, str(exc))
                        continue
                    unsuited = masking_problem(c, logical) if column_ok.get("masking", True) else None
                    if unsuited:
                        problems.add(f"{where}.columns[{c.name}].masking", c.masking, unsuited)
                        continue
                check_column_checks(problems, f"{where}.columns[{c.name}].checks", c.checks,
                                    self._column_types.get((t.name, c.name)))
                if all(column_ok.values()):
                    good.append(c)
            keys = t.primary_key if typed["primary_key"] else ()
            for k in keys:
                problems.check(k in cols, f"{where}.primary_key", k, "a declared column of the table")
            check_table_checks(problems, f"{where}.checks", t.checks, {
                n: lt for (tn, n), lt in self._column_types.items() if tn == t.name}, sorted(cols))
            usable.append(Table(t.name, primary_key=[k for k in keys if k in cols], columns=good,
                                description=t.description if typed["description"] else ""))
        return tuple(usable)

    def _check_names(self, problems: ProblemCollector, ok: dict[str, bool]) -> None:
        if ok["topics"]:
            check_kafka_topic(problems, "topic_prefix", self.topic_prefix)
            for t in self.tables:
                check_kafka_topic(problems, f"tables[{t.name}].name (topic)", self.topic_name(t))
            for topic in (self.history_topic, self.heartbeat_topic, self.dlq_topic):
                if topic is not None:
                    check_kafka_topic(problems, "topic", topic)
        if ok["warehouse"]:
            self.warehouse.check_names(problems, self, self.platform if ok["platform"] else None)

    def _claim(self, path: str) -> None:
        """Claim every name the channel creates that must be unique (see :mod:`channelkit.claims`)."""
        source = self.source
        claims: list[Claim | tuple[str, str]] = [("topic prefix", self.topic_prefix)]
        claims += self.source.claims(self.names)  # the binlog replica's server id
        server = f"{source.engine} server {str(source.host).lower()}:{source.port}"
        if self.slot_name is not None:  # replication slots are per server, publications per database
            claims.append(Claim("Postgres slot name", self.slot_name, within=server))
        if self.publication_name is not None and self.manage_db_user:
            claims.append(Claim("Postgres publication", self.publication_name, within=f"{server}/{source.database}"))
        if self.manage_db_user:
            claims.append(Claim("database user", self.db_user_name, within=server))
        ids = f"channel {path} (topic, table and view construct ids)"
        claims += [Claim("table construct id", child_id(t.name), within=ids, by=f"tables[{t.name}]",
                         note="a table's construct ids are its name with '-' for other characters")
                   for t in self.tables]
        claims += [*self.platform.claims(self), *self.warehouse.claims(self, self.platform)]
        check_claims(self, claims, path=path, topic_prefix=self.topic_prefix)

def _id_path(scope: Any, id: Any) -> str:
    base = path_of(scope) if isinstance(scope, Construct) else "<no scope>"
    return f"{base}/{id}" if base else str(id)


def _release(channel_root_holder: Any, path: str) -> None:
    """Forget the names a rejected channel claimed, so another channel may take them."""
    root = getattr(channel_root_holder, "node", None)
    reg = root.root.__dict__.get("_channelkit_registry") if root is not None else None
    for table in vars(reg).values() if reg is not None else ():
        if isinstance(table, dict):
            for key in [k for k, owner in table.items() if getattr(owner, "path", owner) == path]:
                del table[key]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _flag(value: Any) -> bool:
    return value is not None and str(value).strip().lower() in ("true", "1", "yes", "on")
