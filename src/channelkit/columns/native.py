"""Parse a column's declared type: a source engine's native type, or one of the nine portable names.

:func:`parse` turns the ``type`` of a :class:`~channelkit.patterns.model.Column` into a
:class:`~channelkit.columns.logical.LogicalType` for the channel's source engine (``mysql``, ``mariadb``,
``postgres``), or says why it cannot and which forms are accepted.

``mariadb`` takes MySQL's types plus ``UUID`` (MariaDB 10.7+), which Debezium's MariaDB connector sends as an
``io.debezium.data.Uuid`` string (``MariaDbValueConverters``). ``INET4``/``INET6`` are refused: Debezium 3.6's
MariaDB DDL grammar (``debezium-ddl-parser``, ``MariaDBParser.g4``) has no such column types, so the connector
cannot describe such a column. Provenance: github.com/debezium/debezium, tag ``v3.6.1.Final`` / branch ``3.6``
at ``6f830f234fba27ce91b0b8e3b449d5b7130f5ef6``.
"""

from __future__ import annotations

import re

from .logical import LogicalType

__all__ = ["ACCEPTED", "BINLOG_ENGINES", "PORTABLE", "TypeParseError", "parse"]

#: The engines captured from a binlog by Debezium's binlog connectors (same types and wire forms, but UUID).
BINLOG_ENGINES = ("mysql", "mariadb")

#: The nine portable names of channelkit 0.1 and what they mean.
PORTABLE: dict[str, LogicalType] = {
    "string": LogicalType("string", "string", portable=True),
    "int64": LogicalType("int", "int64", bits=64, portable=True),
    "float64": LogicalType("float", "float64", bits=64, portable=True),
    "numeric": LogicalType("decimal", "numeric", precision=38, scale=9, portable=True),
    "bool": LogicalType("bool", "bool", portable=True),
    "date": LogicalType("date", "date", portable=True),
    "timestamp": LogicalType("timestamp", "timestamp", precision=6, portable=True),
    "json": LogicalType("json", "json", portable=True),
    "bytes": LogicalType("bytes", "bytes", portable=True),
}

#: Accepted forms per engine, for error messages.
ACCEPTED: dict[str, str] = {
    "mysql": (
        "a portable name (" + ", ".join(PORTABLE) + ") or a MySQL type: TINYINT|SMALLINT|MEDIUMINT|INT|"
        "BIGINT [UNSIGNED], TINYINT(1), BOOL, BIT(n), DECIMAL(p[,s]) [UNSIGNED], FLOAT, DOUBLE, CHAR(n), "
        "VARCHAR(n), [TINY|MEDIUM|LONG]TEXT, BINARY(n), VARBINARY(n), [TINY|MEDIUM|LONG]BLOB, ENUM('a',...), "
        "SET('a',...), DATE, TIME[(fsp)], DATETIME[(fsp)], TIMESTAMP[(fsp)], YEAR, JSON"
    ),
    "mariadb": (
        "a portable name (" + ", ".join(PORTABLE) + ") or a MariaDB type: TINYINT|SMALLINT|MEDIUMINT|INT|"
        "BIGINT [UNSIGNED], TINYINT(1), BOOL, BIT(n), DECIMAL(p[,s]) [UNSIGNED], FLOAT, DOUBLE, CHAR(n), "
        "VARCHAR(n), [TINY|MEDIUM|LONG]TEXT, BINARY(n), VARBINARY(n), [TINY|MEDIUM|LONG]BLOB, ENUM('a',...), "
        "SET('a',...), DATE, TIME[(fsp)], DATETIME[(fsp)], TIMESTAMP[(fsp)], YEAR, JSON, UUID "
        "(not INET4/INET6: Debezium's MariaDB connector does not map them)"
    ),
    "postgres": (
        "a portable name (" + ", ".join(PORTABLE) + ") or a Postgres type: smallint|int2, integer|int|int4, "
        "bigint|int8, numeric[(p[,s])]|decimal, real|float4, double precision|float8, boolean|bool, text, "
        "varchar(n)|character varying(n), char(n)|character(n), bytea, date, time[(p)], "
        "timestamp[(p)] [without time zone], timestamptz|timestamp[(p)] with time zone, uuid, json, jsonb, "
        "and arrays of these (int4[], text[])"
    ),
}


class TypeParseError(ValueError):
    """A declared type is not one the engine's connector maps (the message is what is accepted)."""


_FORM = re.compile(r"(?P<name>[a-z][a-z0-9 ]*?)\s*(?:\((?P<args>[^()]*)\))?(?P<rest>(?:\s+[a-z ]+)?)")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


def _ints(args: str | None) -> list[int] | None:
    if args is None:
        return []
    try:
        return [int(a.strip()) for a in args.split(",")]
    except ValueError:
        return None


def parse(engine: str, declared: str) -> LogicalType:
    """The logical type of ``declared`` on ``engine`` (``mysql``, ``mariadb`` or ``postgres``).

    Raises:
        TypeParseError: an unknown or malformed type (the message lists the accepted forms).
    """
    if not isinstance(declared, str) or not declared.strip() or declared != declared.strip():
        raise TypeParseError(ACCEPTED.get(engine, "a column type"))
    if declared in PORTABLE:  # the portable names of 0.1 keep their meaning (write native types in capitals
        return PORTABLE[declared]  # or with their parameters to mean the engine's type of the same name)
    text = re.sub(r"\s+", " ", declared)
    if engine == "mariadb":
        parsed = LogicalType("uuid", "uuid") if text.lower() == "uuid" else _mysql(text)
    elif engine == "mysql":
        parsed = _mysql(text)
    else:
        parsed = _postgres(text.lower())
    if parsed is None:
        raise TypeParseError(ACCEPTED.get(engine, "a column type"))
    return parsed


_MYSQL_INTS = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}
_MYSQL_TEXT = {"tinytext": 255, "text": 65_535, "mediumtext": 16_777_215, "longtext": 4_294_967_295}
_MYSQL_BLOB = {"tinyblob": 255, "blob": 65_535, "mediumblob": 16_777_215, "longblob": 4_294_967_295}


def _mysql(declared: str) -> LogicalType | None:
    text = declared.lower()
    if text.startswith(("enum(", "set(")) and text.endswith(")"):  # values keep their case
        kind = "enum" if text.startswith("enum") else "set"
        body = declared[len(kind) + 1:-1]
        values = tuple(v.replace("''", "'") for v in _QUOTED.findall(body))
        rebuilt = ",".join("'" + v.replace("'", "''") + "'" for v in values)
        if not values or rebuilt != re.sub(r"\s*,\s*", ",", body.strip()):
            return None
        return LogicalType(kind, declared, values=values)
    match = _FORM.fullmatch(text)
    if not match:
        return None
    name, args, rest = match["name"].strip(), match["args"], match["rest"].strip()
    nums = _ints(args)
    if nums is None:
        return None
    flags = set(rest.split()) if rest else set()
    if flags - {"unsigned", "zerofill", "signed"}:
        return None
    unsigned = "unsigned" in flags or "zerofill" in flags
    if name in _MYSQL_INTS and len(nums) <= 1:
        if name == "tinyint" and nums == [1] and not unsigned:
            return LogicalType("bool", text)
        return LogicalType("int", text, bits=_MYSQL_INTS[name], unsigned=unsigned)
    if flags and name not in ("decimal", "dec", "numeric", "fixed", "float", "double", "real"):
        return None
    if name in ("bool", "boolean") and not nums:
        return LogicalType("bool", text)
    if name == "bit" and len(nums) <= 1:
        n = nums[0] if nums else 1
        return LogicalType("bool", text) if n == 1 else LogicalType("bytes", text, length=(n + 7) // 8)
    if name in ("decimal", "dec", "numeric", "fixed") and len(nums) <= 2:
        precision = nums[0] if nums else 10
        scale = nums[1] if len(nums) == 2 else 0
        if not (1 <= precision <= 65 and 0 <= scale <= min(30, precision)):
            return None
        return LogicalType("decimal", text, precision=precision, scale=scale, unsigned=unsigned)
    if name in ("float", "double", "double precision", "real") and len(nums) <= 2:
        return LogicalType("float", text, bits=32 if name == "float" and not nums else 64, unsigned=unsigned)
    if name in ("char", "varchar") and (len(nums) <= 1 if name == "char" else len(nums) == 1):  # CHAR, CHAR(n)
        return LogicalType("string", text, length=nums[0] if nums else 1)
    if name in _MYSQL_TEXT and not nums:
        return LogicalType("string", text, length=_MYSQL_TEXT[name])
    if name in ("binary", "varbinary") and (len(nums) <= 1 if name == "binary" else len(nums) == 1):
        return LogicalType("bytes", text, length=nums[0] if nums else 1)
    if name in _MYSQL_BLOB and not nums:
        return LogicalType("bytes", text, length=_MYSQL_BLOB[name])
    if name in ("time", "datetime", "timestamp") and len(nums) <= 1 and all(0 <= n <= 6 for n in nums):
        kind = {"time": "time", "datetime": "datetime", "timestamp": "timestamp"}[name]
        return LogicalType(kind, text, precision=nums[0] if nums else 0)
    if name == "date" and not nums:
        return LogicalType("date", text)
    if name == "year" and nums in ([], [4]):
        return LogicalType("year", text)
    if name == "json" and not nums:
        return LogicalType("json", text)
    return None


_PG_ALIASES = {
    "int2": "smallint", "int4": "integer", "int": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "bool": "boolean", "decimal": "numeric", "character varying": "varchar",
    "character": "char", "bpchar": "char", "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz", "time without time zone": "time",
}
_PG_INTS = {"smallint": 16, "integer": 32, "bigint": 64}


def _postgres(text: str) -> LogicalType | None:
    if text.endswith("[]"):
        element = _postgres(text[:-2].strip())
        if element is None or element.kind == "array":
            return None
        return LogicalType("array", text, element=element)
    # ``timestamp(3) with time zone``: the precision sits before the zone clause
    zoned = re.fullmatch(r"(timestamp|time)\s*(?:\((\d)\))?\s+(with|without) time zone", text)
    if zoned:
        base, digits, which = zoned.groups()
        precision = int(digits) if digits else 6
        if base == "time":
            return LogicalType("time", text, precision=precision) if which == "without" else None
        return LogicalType("timestamp" if which == "with" else "datetime", text, precision=precision)
    nums: list[int] | None
    if "(" not in text:  # multi-word names: double precision, character varying
        name, nums = _PG_ALIASES.get(text, text), []
    else:
        match = _FORM.fullmatch(text)
        if not match or match["rest"].strip():
            return None
        name, nums = _PG_ALIASES.get(match["name"].strip(), match["name"].strip()), _ints(match["args"])
    if nums is None:
        return None
    if name in _PG_INTS and not nums:
        return LogicalType("int", text, bits=_PG_INTS[name])
    if name == "numeric" and len(nums) <= 2:
        if not nums:
            return LogicalType("decimal", text)  # unconstrained: variable scale
        precision, scale = nums[0], (nums[1] if len(nums) == 2 else 0)
        if not (1 <= precision <= 1000 and 0 <= scale <= precision):
            return None
        return LogicalType("decimal", text, precision=precision, scale=scale)
    if name in ("real", "double precision") and not nums:
        return LogicalType("float", text, bits=32 if name == "real" else 64)
    if name == "boolean" and not nums:
        return LogicalType("bool", text)
    if name == "text" and not nums:
        return LogicalType("string", text)
    if name in ("varchar", "char") and len(nums) <= 1:
        return LogicalType("string", text, length=nums[0] if nums else (None if name == "varchar" else 1))
    if name == "bytea" and not nums:
        return LogicalType("bytes", text)
    if name == "date" and not nums:
        return LogicalType("date", text)
    if name in ("time", "timestamp", "timestamptz") and len(nums) <= 1 and all(0 <= n <= 6 for n in nums):
        kind = {"time": "time", "timestamp": "datetime", "timestamptz": "timestamp"}[name]
        return LogicalType(kind, text, precision=nums[0] if nums else 6)
    if name == "uuid" and not nums:
        return LogicalType("uuid", text)
    if name in ("json", "jsonb") and not nums:
        return LogicalType("json", text)
    return None
