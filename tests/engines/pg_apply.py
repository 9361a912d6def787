"""Apply the Postgres side of a synthesized stack the way the cyrilgdn/postgresql provider (v1.27) would.

This is the single place the translation is written down (``tests/engines/README.md`` repeats the table). It was
derived by reading the provider's Go source (github.com/cyrilgdn/terraform-provider-postgresql, ``postgresql/``
at the commit after v1.26.0 that the 1.27 line builds on: ``resource_postgresql_role.go``,
``resource_postgresql_grant.go``, ``resource_postgresql_publication.go``, ``resource_postgresql_replication_slot.go``,
``helpers.go``). No provider code is copied; the SQL text below is re-stated from what the provider executes on
*create*. Every resource runs in its own transaction on a connection as the provider's user (the provider block's
``username``; here the cluster superuser ``postgres``, who owns the database and its tables), on the resource's
``database`` (or the provider's), exactly as the provider opens one transaction per resource.

===========================  =========================================================================================
resource                     SQL (create), in order, one transaction
===========================  =========================================================================================
``postgresql_role``          ``CREATE ROLE "<name>" WITH [ENCRYPTED|UNENCRYPTED PASSWORD '<pw>'] VALID UNTIL
                             '<valid_until or infinity>' CONNECTION LIMIT <n, default -1> [NO]SUPERUSER [NO]CREATEDB
                             [NO]CREATEROLE [NO]INHERIT [NO]LOGIN [NO]BYPASSRLS [NO]REPLICATION`` (defaults: every
                             flag off except INHERIT; ``encrypted_password`` true); then ``GRANT "<r>" TO "<name>"``
                             per ``roles``; always ``ALTER ROLE "<name>" SET search_path TO <quoted list|DEFAULT>``;
                             ``ALTER ROLE … SET statement_timeout TO <n>`` / ``idle_in_transaction_session_timeout``
                             when non-zero; ``ALTER ROLE … SET ROLE TO "<assume_role>"`` when set.
``postgresql_grant``         ``SET statement_timeout = 0``, advisory locks on the role (and the database for
                             ``object_type=database``); when the provider user is not a superuser, temporarily
                             ``GRANT <owner> TO current_user`` for the schema/table owners; then
                             ``REVOKE …`` (``ALL PRIVILEGES ON DATABASE|SCHEMA``; ``<privs> ON TABLE <list>`` when
                             ``objects`` are listed; ``ALL PRIVILEGES ON ALL TABLES IN SCHEMA`` otherwise) followed by
                             ``GRANT <privs> ON DATABASE "<db>" | SCHEMA "<s>" | TABLE "<s>"."<t>",… | ALL TABLES IN
                             SCHEMA "<s>" TO "<role>" [WITH GRANT OPTION]`` (column grants: ``GRANT <p> ("<c>",…) ON
                             TABLE …``); the temporary memberships are revoked again.
``postgresql_publication``   ``CREATE PUBLICATION <name> FOR TABLE "<s>"."<t>", … | FOR ALL TABLES [WITH (publish =
                             '<ops>', publish_via_partition_root = <bool>)]`` (the name is *not* quoted by the
                             provider); ``ALTER PUBLICATION <name> OWNER TO <owner>`` when ``owner`` is set.
``postgresql_replication_slot`` ``SELECT FROM pg_create_logical_replication_slot('<name>', '<plugin>')``.
===========================  =========================================================================================

One update path is translated too, because adding a captured table is one: a ``postgresql_publication`` whose
``tables`` changed is updated in place (``tables`` is not ForceNew) with ``ALTER PUBLICATION <name> ADD TABLE …`` /
``DROP TABLE …`` per difference (:func:`publication_update_sql`, from ``setPubTables``).

References: ``${postgresql_role.<id>.name}`` (and any ``${<type>.<id>.<attribute>}`` whose attribute is a literal in
the same JSON) are resolved from the document; ``${random_password.<id>.result}`` is a password generated here from
the resource's ``length``/``special``/``upper``/``lower``/``numeric`` settings and returned in
:attr:`Applied.passwords`, so the test knows it like Terraform state would. Anything else is an error: the helper
never invents a value.

What this is *not*: Terraform itself (no plan, no state, no delete paths, one update) and not the provider binary; the
provider's read-back after create is skipped. It is a faithful re-statement of the provider's create SQL, run
against a real server, so a privilege the resources do not declare is never granted.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .postgres import PostgresServer

REF = re.compile(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}")
ORDER = ["postgresql_role", "postgresql_grant", "postgresql_publication", "postgresql_replication_slot"]


def quote_ident(name: str) -> str:
    """``pq.QuoteIdentifier``: double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """The provider's ``pqQuoteLiteral`` (backslashes doubled, quotes doubled), wrapped in quotes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _ident_with_args(ident: str) -> str:
    """``quoteIdentifyIdent``: quote a function name but keep its ``(args)`` as written."""
    name, sep, rest = ident.partition("(")
    return quote_ident(name) + (sep + rest if sep else "")


def _table_list(schema: str, objects: Iterable[str]) -> str:
    return ",".join(f"{quote_ident(schema)}.{_ident_with_args(o)}" for o in objects)


def _quote_table_name(name: str) -> str:
    """``quoteTableName``: every dot-separated part quoted."""
    return ".".join(quote_ident(p) for p in name.split("."))


def generate_password(spec: dict[str, Any]) -> str:
    """A password honouring a ``random_password`` resource's character-class settings."""
    length = int(spec.get("length", 16))
    alphabet = ""
    if spec.get("upper", True):
        alphabet += string.ascii_uppercase
    if spec.get("lower", True):
        alphabet += string.ascii_lowercase
    if spec.get("numeric", True):
        alphabet += string.digits
    if spec.get("special", True):
        alphabet += spec.get("override_special") or "!@#$%&*()-_=+[]{}<>:?"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class Statement:
    """One SQL statement the provider runs, and which resource it comes from."""

    address: str
    sql: str
    params: tuple[Any, ...] = ()


@dataclass
class Plan:
    """The per-resource transactions, in apply order, and the database each one runs on."""

    transactions: list[tuple[str, str | None, list[Statement]]] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    def statements(self) -> list[str]:
        return [s.sql for _, _, stmts in self.transactions for s in stmts]


@dataclass
class Applied:
    """What :func:`apply` did: the statements run and the generated passwords (address → password)."""

    plan: Plan
    passwords: dict[str, str]

    def password_of(self, role: str, doc: dict[str, Any]) -> str:
        """The generated password of the ``postgresql_role`` named ``role``."""
        for _rid, body in doc.get("resource", {}).get("postgresql_role", {}).items():
            if body.get("name") == role:
                ref = REF.fullmatch(body.get("password", ""))
                assert ref, f"role {role} has no referenced password"
                return self.passwords[f"{ref.group(1)}.{ref.group(2)}"]
        raise KeyError(role)


class Resolver:
    """Resolves ``${type.id.attr}`` references against the document (and generated passwords)."""

    def __init__(self, doc: dict[str, Any], passwords: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.passwords: dict[str, str] = dict(passwords or {})

    def _lookup(self, m: re.Match[str]) -> str:
        rtype, rid, attr = m.groups()
        body = self.doc.get("resource", {}).get(rtype, {}).get(rid)
        if body is None:
            raise KeyError(f"unresolvable reference {m.group(0)}: no such resource")
        if rtype == "random_password" and attr == "result":
            address = f"{rtype}.{rid}"
            if address not in self.passwords:
                self.passwords[address] = generate_password(body)
            return self.passwords[address]
        value = body.get(attr)
        if not isinstance(value, str | int | bool):
            raise KeyError(f"unresolvable reference {m.group(0)}: {attr} is computed, not in the JSON")
        return str(self.value(value) if isinstance(value, str) else value)

    def value(self, value: Any) -> Any:
        """``value`` with every reference inside it (recursively) resolved."""
        if isinstance(value, str):
            return REF.sub(self._lookup, value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items() if k != "//"}
        return value


# -- per resource: the provider's create SQL ---------------------------------------------------------------
def role_sql(address: str, r: dict[str, Any]) -> list[Statement]:
    name = r["name"]
    opts: list[str] = []
    password = r.get("password") or r.get("password_wo")
    if password:
        if password.upper() == "NULL":
            opts.append("PASSWORD NULL")
        else:
            opts.append("ENCRYPTED" if r.get("encrypted_password", True) else "UNENCRYPTED")
            opts.append(f"PASSWORD {quote_literal(password)}")
    valid_until = r.get("valid_until", "infinity") or "infinity"
    opts.append("VALID UNTIL 'infinity'" if valid_until.lower() == "infinity"
                else f"VALID UNTIL {quote_literal(valid_until)}")
    opts.append(f"CONNECTION LIMIT {int(r.get('connection_limit', -1))}")
    flags = [("superuser", "SUPERUSER", False), ("create_database", "CREATEDB", False),
             ("create_role", "CREATEROLE", False), ("inherit", "INHERIT", True), ("login", "LOGIN", False),
             ("bypass_row_level_security", "BYPASSRLS", False), ("replication", "REPLICATION", False)]
    for attr, keyword, default in flags:
        opts.append(keyword if r.get(attr, default) else "NO" + keyword)
    out = [Statement(address, f"CREATE ROLE {quote_ident(name)} WITH {' '.join(opts)}")]
    for granted in r.get("roles", []):
        out.append(Statement(address, f"GRANT {quote_ident(granted)} TO {quote_ident(name)}"))
    search_path = r.get("search_path") or []
    path = ", ".join(quote_ident(p) for p in search_path) if search_path else "DEFAULT"
    out.append(Statement(address, f"ALTER ROLE {quote_ident(name)} SET search_path TO {path}"))
    for attr in ("statement_timeout", "idle_in_transaction_session_timeout"):
        if int(r.get(attr, 0)):
            out.append(Statement(address, f"ALTER ROLE {quote_ident(name)} SET {attr} TO {int(r[attr])}"))
    if r.get("assume_role"):
        out.append(Statement(address, f"ALTER ROLE {quote_ident(name)} SET ROLE TO {quote_ident(r['assume_role'])}"))
    return out


def _grant_revoke(r: dict[str, Any]) -> tuple[str, str]:
    otype = r["object_type"].lower()
    role = quote_ident(r["role"])
    privs = list(r.get("privileges", []))
    objects = list(r.get("objects", []))
    schema = r.get("schema", "")
    if otype == "database":
        target = f"DATABASE {quote_ident(r['database'])}"
        revoke = f"REVOKE ALL PRIVILEGES ON {target} FROM {role}"
    elif otype == "schema":
        target = f"SCHEMA {quote_ident(schema)}"
        revoke = f"REVOKE ALL PRIVILEGES ON {target} FROM {role}"
    elif otype in ("foreign_data_wrapper", "foreign_server"):
        target = f"{otype.replace('_', ' ').upper()} {quote_ident(objects[0])}"
        revoke = f"REVOKE ALL PRIVILEGES ON {target} FROM {role}"
    elif otype == "column":
        cols = ",".join(quote_ident(c) for c in r["columns"])
        table = _table_list(schema, objects)
        grant = f"GRANT {','.join(privs)} ({cols}) ON TABLE {table} TO {role}"
        revoke = f"REVOKE {','.join(privs)} ({cols}) ON TABLE {table} FROM {role}" if privs else "SELECT NULL"
        return revoke, grant + (" WITH GRANT OPTION" if r.get("with_grant_option") else "")
    elif otype in ("table", "sequence", "function", "procedure", "routine"):
        kind = otype.upper()
        if objects:
            target = f"{kind} {_table_list(schema, objects)}"
            revoke = (f"REVOKE {','.join(privs)} ON {target} FROM {role}" if privs
                      else f"REVOKE ALL PRIVILEGES ON {target} FROM {role}")
        else:
            target = f"ALL {kind}S IN SCHEMA {quote_ident(schema)}"
            revoke = f"REVOKE ALL PRIVILEGES ON {target} FROM {role}"
    else:
        raise ValueError(f"object_type {otype!r} is not supported by postgresql_grant")
    grant = f"GRANT {','.join(privs)} ON {target} TO {role}"
    if r.get("with_grant_option"):
        grant += " WITH GRANT OPTION"
    return revoke, grant


def grant_sql(address: str, r: dict[str, Any]) -> list[Statement]:
    otype = r["object_type"].lower()
    if not r.get("schema") and otype not in ("database", "foreign_data_wrapper", "foreign_server"):
        raise ValueError(f"{address}: parameter 'schema' is mandatory for postgresql_grant resource")
    if r.get("objects") and otype in ("database", "schema"):
        raise ValueError(f"{address}: cannot specify `objects` when `object_type` is `database` or `schema`")
    out = [Statement(address, "SET statement_timeout = 0"),
           Statement(address, "SELECT pg_advisory_xact_lock(oid::bigint) FROM pg_roles WHERE rolname = %s",
                     (r["role"],)),
           Statement(address, "SELECT pg_advisory_xact_lock(member::bigint) FROM pg_auth_members "
                     "JOIN pg_roles ON roleid = pg_roles.oid WHERE rolname = %s", (r["role"],))]
    if otype == "database":
        out.append(Statement(address, "SELECT pg_advisory_xact_lock(oid::bigint) FROM pg_database WHERE datname = %s",
                             (r["database"],)))
    revoke, grant = _grant_revoke(r)
    out.append(Statement(address, revoke))
    if r.get("privileges"):
        out.append(Statement(address, grant))
    return out


def publication_sql(address: str, r: dict[str, Any]) -> list[Statement]:
    name = r["name"]  # the provider does not quote the publication name
    tables = ""
    if r.get("all_tables"):
        tables = "FOR ALL TABLES"
    if r.get("tables"):
        listed = list(r["tables"])
        if len(set(listed)) != len(listed):
            raise ValueError(f"{address}: duplicated table in `tables`")
        tables = "FOR TABLE " + ", ".join(_quote_table_name(t) for t in listed)
    params = []
    if r.get("publish_via_partition_root_param"):
        params.append(f"publish_via_partition_root = {str(r['publish_via_partition_root_param']).lower()}")
    if r.get("publish_param"):
        ops = list(r["publish_param"])
        bad = [o for o in ops if o not in ("insert", "update", "delete", "truncate")]
        if bad:
            raise ValueError(f"{address}: invalid publish_param {bad}")
        params.append(f"publish = '{', '.join(ops)}'")
    with_params = f"WITH ({','.join(params)})" if params else ""
    out = [Statement(address, f"CREATE PUBLICATION {name} {tables} {with_params}".rstrip())]
    if r.get("owner"):
        out.append(Statement(address, f"ALTER PUBLICATION {name} OWNER TO {r['owner']}"))
    return out


def publication_update_sql(address: str, old: dict[str, Any], new: dict[str, Any]) -> list[Statement]:
    """The provider's *update* of a ``postgresql_publication`` (``resourcePostgreSQLPublicationUpdate``), in place.

    ``owner`` → ``ALTER PUBLICATION <name> OWNER TO <owner>`` when it changed; ``tables`` (a set) →
    ``ALTER PUBLICATION <name> ADD TABLE "s"."t"`` per added table, then ``… DROP TABLE …`` per removed one. The
    publish parameters and renames are not covered (channelkit sets neither).
    """
    name = new["name"]
    if old["name"] != name or old.get("publish_param") != new.get("publish_param") or \
            old.get("publish_via_partition_root_param") != new.get("publish_via_partition_root_param"):
        raise ValueError(f"{address}: only owner and tables updates are translated")
    out: list[Statement] = []
    if new.get("owner") and old.get("owner") != new.get("owner"):
        out.append(Statement(address, f"ALTER PUBLICATION {name} OWNER TO {new['owner']}"))
    before, after = list(old.get("tables", [])), list(new.get("tables", []))
    if len(set(after)) != len(after):
        raise ValueError(f"{address}: duplicated table in `tables`")
    out += [Statement(address, f"ALTER PUBLICATION {name} ADD TABLE {_quote_table_name(t)}")
            for t in after if t not in before]
    out += [Statement(address, f"ALTER PUBLICATION {name} DROP TABLE {_quote_table_name(t)}")
            for t in before if t not in after]
    return out


def update_publication(server: PostgresServer, old_doc: dict[str, Any], new_doc: dict[str, Any], rid: str, *,
                       user: str = "postgres", password: str | None = None) -> list[str]:
    """Apply the in-place update of publication ``rid`` from ``old_doc`` to ``new_doc``; the statements run."""
    old = Resolver(old_doc).value(old_doc["resource"]["postgresql_publication"][rid])
    new = Resolver(new_doc).value(new_doc["resource"]["postgresql_publication"][rid])
    stmts = publication_update_sql(f"postgresql_publication.{rid}", old, new)
    with server.connect(user, password, new.get("database") or "postgres", autocommit=False) as conn:
        for st in stmts:
            conn.execute(st.sql)
        conn.commit()
    return [st.sql for st in stmts]


def replication_slot_sql(address: str, r: dict[str, Any]) -> list[Statement]:
    return [Statement(address, "SELECT FROM pg_create_logical_replication_slot(%s, %s)", (r["name"], r["plugin"]))]


TRANSLATORS: dict[str, Callable[[str, dict[str, Any]], list[Statement]]] = {
    "postgresql_role": role_sql,
    "postgresql_grant": grant_sql,
    "postgresql_publication": publication_sql,
    "postgresql_replication_slot": replication_slot_sql,
}


def plan(doc: dict[str, Any], extra: dict[str, dict[str, dict[str, Any]]] | None = None,
         passwords: dict[str, str] | None = None, only: Sequence[str] | None = None) -> Plan:
    """The provider's transactions for every postgresql_* resource of ``doc`` (plus ``extra`` resources).

    ``extra`` has the shape of ``doc["resource"]`` (resources a test adds); it is merged into a copy of the
    document so its references resolve the same way. ``only`` restricts the plan to those resource types (the
    others still resolve references), e.g. to re-create replaced grants after a change.
    """
    merged = {**doc, "resource": {t: dict(v) for t, v in doc.get("resource", {}).items()}}
    for rtype, bodies in (extra or {}).items():
        merged["resource"].setdefault(rtype, {}).update(bodies)
    resolver = Resolver(merged, passwords)
    provider_db = (merged.get("provider", {}).get("postgresql") or [{}])[0].get("database")
    p = Plan()
    for rtype in ORDER:
        if only is not None and rtype not in only:
            continue
        for rid, body in merged["resource"].get(rtype, {}).items():
            r = resolver.value(body)
            address = f"{rtype}.{rid}"
            database = r.get("database") or provider_db
            if rtype == "postgresql_role":
                database = provider_db  # startTransaction(db.client, ""): the provider's own database
            p.transactions.append((address, database, TRANSLATORS[rtype](address, r)))
    unknown = sorted(t for t in merged["resource"] if t.startswith("postgresql_") and t not in TRANSLATORS)
    if unknown:
        raise ValueError(f"postgresql resource types not translated: {unknown}")
    p.passwords = resolver.passwords
    return p


def _owners_to_borrow(conn: Any, r_schema: str | None, otype: str) -> list[str]:
    """``getRolesToGrant``: table owners of the schema (unless object_type=schema) and the schema owner."""
    if otype in ("database", "foreign_data_wrapper", "foreign_server") or not r_schema:
        return []
    owners: list[str] = []
    if otype != "schema":
        owners = [row[0] for row in conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = %s", (r_schema,))]
    row = conn.execute("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", (r_schema,)).fetchone()
    if row and row[0] not in owners:
        owners.append(row[0])
    return owners


def apply(server: PostgresServer, doc: dict[str, Any], *, user: str = "postgres", password: str | None = None,
          extra: dict[str, dict[str, dict[str, Any]]] | None = None, only: Sequence[str] | None = None) -> Applied:
    """Run :func:`plan` against ``server`` as the provider's user, one transaction per resource."""
    p = plan(doc, extra, only=only)
    resources = {**doc.get("resource", {})}
    for rtype, bodies in (extra or {}).items():
        resources[rtype] = {**resources.get(rtype, {}), **bodies}
    for address, database, stmts in p.transactions:
        rtype, rid = address.split(".", 1)
        with server.connect(user, password, database or "postgres", autocommit=False) as conn:
            borrowed: list[str] = []
            if rtype == "postgresql_grant":
                body = Resolver({"resource": resources}, p.passwords).value(resources[rtype][rid])
                superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
                if not superuser:
                    for owner in _owners_to_borrow(conn, body.get("schema"), body["object_type"].lower()):
                        member = conn.execute("SELECT pg_has_role(current_user, %s, 'member')", (owner,)).fetchone()
                        if not member[0]:
                            conn.execute(f"GRANT {quote_ident(owner)} TO current_user")
                            borrowed.append(owner)
            for s in stmts:
                conn.execute(s.sql, s.params or None)
            for owner in borrowed:
                conn.execute(f"REVOKE {quote_ident(owner)} FROM current_user")
            conn.commit()
    return Applied(plan=p, passwords=p.passwords)
