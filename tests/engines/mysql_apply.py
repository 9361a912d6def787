"""Apply the MySQL/MariaDB side of a synthesized stack the way the petoju/mysql provider (3.0.94) would.

This is the single place the translation is written down (``tests/engines/README.md`` repeats the table). It was
derived by reading the provider's Go source (github.com/petoju/terraform-provider-mysql, tag ``3.0.94``, commit
``214310dc192b656ea5313106fbdfb681ff852379``: ``mysql/resource_user.go`` ``CreateUser``, ``mysql/resource_grant.go``
``CreateGrant``/``ReadGrant``/``parseGrantFromRow``/``normalizePerms``, ``mysql/provider.go`` ``quoteIdentifier``).
No provider code is copied; the SQL below is re-stated from what the provider executes on *create*, connected as
the provider block's ``username`` (here the server's ``admin``, who holds ALL PRIVILEGES WITH GRANT OPTION).

===================  ==============================================================================================
resource             SQL (create), in order
===================  ==============================================================================================
``mysql_user``       ``CREATE USER `<user>`@`<host, default localhost>` [IDENTIFIED WITH <auth_plugin>] [IDENTIFIED
                     BY|BY '<plaintext_password or password>'] REQUIRE <tls_option, default NONE> [WITH
                     MAX_USER_CONNECTIONS <n> MAX_STATEMENT_TIME <s>]`` (identifiers in backticks, backticks
                     doubled; the password a string literal with ``\\ ' " NUL LF CR`` escaped; ``REQUIRE`` because
                     the server's version is above 5.7.0, which MariaDB's 10.x/11.x numbers are).
``mysql_grant``      ``SHOW GRANTS FOR '<user>'@'<host>'`` first: a grant with privileges on the same ``db.table``
                     already there is an error ("already has grant"); then ``GRANT <privileges, normalized> ON
                     <*|`db`>.<*|`table`> TO '<user>'@'<host>' [WITH GRANT OPTION]`` (``tls_option`` is NONE:
                     no ``REQUIRE``). Normalized = backticks/spaces trimmed, ``ALL`` → ``ALL PRIVILEGES``, ``USAGE``
                     dropped, sorted.
read-back            ``ReadGrant`` after create (and on every plan): ``SHOW GRANTS FOR '<user>'@'<host>'``, each row
                     parsed (``GRANT (.+) ON (.+) TO (.+)``, privileges split on commas outside parentheses,
                     normalized), the rows on the same ``db.table`` combined. When that set differs (ignoring case)
                     from the resource's, the provider stores the server's: the next plan shows a change.
===================  ==============================================================================================

References (``${mysql_user.<id>.user}``, ``${random_password.<id>.result}``, ...) resolve with
:class:`engines.pg_apply.Resolver` (a password generated from the resource's settings and returned). Anything not
translated here (role grants, procedure grants, ``aad_identity``, hashed auth strings, ``mysql_database``, ...) is an
error: the helper never invents a value and never grants more than the resources say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .mariadb import MariaDbServer
from .pg_apply import Resolver

ORDER = ["mysql_user", "mysql_grant"]
_USER_KEYS = {"user", "host", "plaintext_password", "password", "auth_plugin", "tls_option",
              "max_user_connections", "max_statement_time", "provider", "depends_on", "lifecycle", "//"}
_GRANT_KEYS = {"user", "host", "database", "table", "privileges", "grant", "tls_option", "provider", "depends_on",
               "lifecycle", "//"}
_ALL = re.compile(r"\bALL ?(PRIVILEGES)?\b")
_TABLE_GRANT = re.compile(r"GRANT\s+(.+)\s+ON\s+(.+)\s+TO\s+(.+)")
_DB_OBJECT = re.compile(r"['`]?([^'`]+)['`]?\.['`]?([^'`]+)['`]?")


def quote_identifier(name: str) -> str:
    """``quoteIdentifier``: backticks, inner backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    """``quoteString``: a MySQL string literal with ``\\ ' " NUL LF CR`` escaped."""
    for raw, escaped in (("\\", "\\\\"), ("'", "\\'"), ('"', '\\"'), ("\x00", "\\0"), ("\n", "\\n"), ("\r", "\\r")):
        value = value.replace(raw, escaped)
    return f"'{value}'"


def normalize_privileges(privileges: list[str]) -> list[str]:
    """``normalizePerms``: trimmed, ``ALL`` → ``ALL PRIVILEGES``, column lists sorted, ``USAGE`` dropped, sorted."""
    out = []
    for p in privileges:
        p = p.strip("` ")
        if _ALL.search(p.upper()):
            p = "ALL PRIVILEGES"
        columns = re.fullmatch(r"([^(]*)\((.*)\)", p)
        if columns:
            names = sorted(c.strip("` ") for c in columns.group(2).split(","))
            p = f"{columns.group(1).strip()}(" + ", ".join(f"`{n}`" for n in names) + ")"
        if p != "USAGE":
            out.append(p)
    return sorted(out)


def _split_privileges(text: str) -> list[str]:
    """``extractPermTypes``: split on commas outside parentheses, leading spaces dropped."""
    parts, word, depth = [], "", False
    for ch in text:
        if ch == "," and not depth:
            parts.append(word)
            word = ""
            continue
        if ch == "(":
            depth = True
        elif ch == ")":
            depth = False
        if ch.isspace() and not word:
            continue
        word += ch
    parts.append(word)
    return parts


@dataclass(frozen=True)
class ParsedGrant:
    """One ``SHOW GRANTS`` row as the provider parses it (table grants only)."""

    database: str
    table: str
    privileges: tuple[str, ...]
    grant_option: bool


def parse_grant_row(row: str) -> ParsedGrant | None:
    """``parseGrantFromRow`` for table grants; None for rows the provider skips (``USAGE`` only, ``REVOKE``...)."""
    if row.startswith(("REVOKE", "SET DEFAULT ROLE")):
        return None
    m = _TABLE_GRANT.search(row)
    if not m or re.search(r"\bON\s+(FUNCTION|PROCEDURE)\b", row):
        return None
    privileges = normalize_privileges(_split_privileges(m.group(1)))
    obj = _DB_OBJECT.search(m.group(2))
    if not privileges or obj is None:
        return None
    return ParsedGrant(obj.group(1), obj.group(2), tuple(privileges), bool(re.search(r"\bGRANT OPTION\b", row)))


def _object(database: str, table: str) -> str:
    return ("*" if database == "*" else f"`{database}`") + "." + ("*" if table in ("*", "") else f"`{table}`")


def user_sql(address: str, r: dict[str, Any]) -> list[str]:
    """The provider's ``CreateUser`` statement for ``mysql_user`` ``r`` (resolved)."""
    unknown = set(r) - _USER_KEYS
    if unknown:
        raise ValueError(f"{address}: attributes not translated: {sorted(unknown)}")
    sql = f"CREATE USER {quote_identifier(r['user'])}@{quote_identifier(r.get('host', 'localhost'))}"
    password = r.get("plaintext_password") or r.get("password") or ""
    if r.get("auth_plugin"):
        sql += f" IDENTIFIED WITH {r['auth_plugin']}" + (f" BY {quote_string(password)}" if password else "")
    elif password:
        sql += f" IDENTIFIED BY {quote_string(password)}"
    sql += f" REQUIRE {r.get('tls_option') or 'NONE'}"
    limits = []
    if r.get("max_user_connections"):
        limits.append(f"MAX_USER_CONNECTIONS {int(r['max_user_connections'])}")
    if r.get("max_statement_time"):
        limits.append(f"MAX_STATEMENT_TIME {float(r['max_statement_time']):f}")
    if limits:
        sql += " WITH " + " ".join(limits)
    return [sql]


def _grantee(r: dict[str, Any]) -> str:
    return f"'{r['user']}'@'{r.get('host', 'localhost')}'"  # UserOrRole.SQLString: single quotes, not escaped


def grant_sql(address: str, r: dict[str, Any]) -> list[str]:
    """The provider's ``CreateGrant`` statement for a table ``mysql_grant`` ``r`` (resolved)."""
    unknown = set(r) - _GRANT_KEYS
    if unknown:
        raise ValueError(f"{address}: attributes not translated: {sorted(unknown)}")
    if re.match(r"(PROCEDURE|FUNCTION)\s", r["database"]):
        raise ValueError(f"{address}: procedure grants are not translated")
    sql = f"GRANT {', '.join(normalize_privileges(list(r['privileges'])))} ON " \
          f"{_object(r['database'], r.get('table', '*'))} TO {_grantee(r)}"
    tls = r.get("tls_option") or "NONE"
    if tls.lower() != "none":
        sql += f" REQUIRE {tls}"
    if r.get("grant"):
        sql += " WITH GRANT OPTION"
    return [sql]


def read_grant(server: MariaDbServer, r: dict[str, Any], *, user: str, password: str) -> list[str] | None:
    """``ReadGrant``: the normalized privileges the server reports for ``r``'s ``db.table`` (None: no such grant)."""
    rows = server.sql(f"SHOW GRANTS FOR {_grantee(r)}", user=user, password=password)
    combined: list[str] | None = None
    for row in rows:
        parsed = parse_grant_row(next(iter(row.values())) or "")
        if parsed and _object(parsed.database, parsed.table) == _object(r["database"], r.get("table", "*")):
            combined = sorted({*(combined or []), *parsed.privileges})
    return combined


@dataclass
class Applied:
    """What :func:`apply` ran and read back."""

    statements: list[tuple[str, str]] = field(default_factory=list)  # (address, SQL), passwords redacted
    passwords: dict[str, str] = field(default_factory=dict)  # random_password address → generated value
    read_back: dict[str, tuple[list[str], list[str] | None]] = field(default_factory=dict)  # grant → (resource, db)

    def drift(self) -> dict[str, tuple[list[str], list[str] | None]]:
        """Grants whose read-back differs from the resource: the provider would plan a change every time."""
        return {a: (mine, theirs) for a, (mine, theirs) in self.read_back.items()
                if theirs is None or [p.upper() for p in mine] != [p.upper() for p in theirs]}

    def password_of(self, user_address: str, doc: dict[str, Any]) -> str:
        """The password of ``mysql_user.<id>`` (generated here when it references a ``random_password``)."""
        rid = user_address.split(".", 1)[1]
        return str(Resolver(doc, self.passwords).value(doc["resource"]["mysql_user"][rid]["plaintext_password"]))


def apply(server: MariaDbServer, doc: dict[str, Any], *, user: str | None = None, password: str | None = None,
          passwords: dict[str, str] | None = None) -> Applied:
    """Create every ``mysql_user``/``mysql_grant`` of ``doc`` on ``server`` as the provider's login, then read back.

    ``user`` defaults to the document's mysql provider ``username``; ``password`` to the server's password of it.
    ``passwords`` pre-seeds generated ``random_password`` values (to apply two documents that share none).
    """
    resources = doc.get("resource", {})
    unknown = sorted(t for t in resources if t.startswith("mysql_") and t not in ORDER)
    if unknown:
        raise ValueError(f"mysql resource types not translated: {unknown}")
    providers = doc.get("provider", {}).get("mysql") or [{}]
    login = user or providers[0].get("username", "root")
    secret = password if password is not None else server.password_of(login)
    if secret is None:
        raise ValueError(f"no password known for the provider's login {login!r}")
    resolver = Resolver(doc, passwords)
    applied = Applied()
    for rtype in ORDER:
        for rid, body in resources.get(rtype, {}).items():
            address, r = f"{rtype}.{rid}", resolver.value(body)
            if rtype == "mysql_grant":
                existing = read_grant(server, r, user=login, password=secret)
                if existing:
                    raise RuntimeError(f"{address}: user already has grant {existing} on this object")
            statements = user_sql(address, r) if rtype == "mysql_user" else grant_sql(address, r)
            for sql in statements:
                server.sql(sql, user=login, password=secret)
                shown = sql
                for value in resolver.passwords.values():
                    shown = shown.replace(quote_string(value), "'<redacted>'")
                applied.statements.append((address, shown))
            if rtype == "mysql_grant":
                applied.read_back[address] = (normalize_privileges(list(r["privileges"])),
                                              read_grant(server, r, user=login, password=secret))
    applied.passwords = resolver.passwords
    return applied
