"""Column changes of a table: BigQuery schema JSON and Glue columns, with the provider's replacement rule.

:func:`bigquery_changes` follows the google provider's ``resourceBigQueryTableSchemaIsChangeable`` (the rules
and their source are in ``review/rules.json``, ``bigquery_schema``): it says whether the new schema forces a
new table, and why. Independently of replacement, a dropped column loses its data, and a narrowed one
(a smaller precision, scale or length; a narrower Glue type) may no longer hold what it held.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .rules import bigquery_schema_rules

__all__ = ["ColumnChange", "SchemaVerdict", "bigquery_changes", "glue_changes"]


@dataclass(frozen=True)
class ColumnChange:
    """One column that changes: ``dropped``, ``added``, ``type``, ``mode``, ``narrowed`` or ``widened``."""

    column: str  #: dotted for nested fields (``address.city``)
    change: str
    before: str = ""
    after: str = ""

    @property
    def loses_data(self) -> bool:
        """A dropped or narrowed column."""
        return self.change in ("dropped", "narrowed")

    def text(self) -> str:
        """``column: before -> after`` (or the change alone)."""
        if self.change == "dropped":
            return f"column {self.column} ({self.before}) dropped"
        if self.change == "added":
            return f"column {self.column} ({self.after}) added"
        return f"column {self.column}: {self.before} -> {self.after} ({self.change})"


@dataclass(frozen=True)
class SchemaVerdict:
    """What a BigQuery schema change means: the column changes and whether (why) it forces a new table."""

    changes: tuple[ColumnChange, ...]
    forces_new: bool
    reasons: tuple[str, ...]


def _parse(text: Any) -> list[dict[str, Any]]:
    if isinstance(text, list):
        return [f for f in text if isinstance(f, dict)]
    if not isinstance(text, str) or text in ("", "null"):
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [f for f in value if isinstance(f, dict)] if isinstance(value, list) else []


def _type_eq(old: str, new: str) -> bool:
    rules = bigquery_schema_rules()
    a, b = old.upper(), new.upper()
    return a == b or any(a in group and b in group for group in (set(g) for g in rules["type_aliases"]))


def _mode(value: Any) -> str:
    return str(value).upper() if value else str(bigquery_schema_rules()["mode_default"])


def _mode_in_place(old: str, new: str) -> bool:
    return old == new or [old, new] in bigquery_schema_rules()["mode_in_place"]


def _describe(field: dict[str, Any]) -> str:
    text = str(field.get("type", "?")).upper()
    params = [str(field[k]) for k in ("precision", "scale") if field.get(k) not in (None, "")]
    if field.get("maxLength") not in (None, ""):
        params = [str(field["maxLength"])]
    if params:
        text += f"({', '.join(params)})"
    mode = _mode(field.get("mode"))
    return text if mode == "NULLABLE" else f"{text} {mode}"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _narrowed(old: dict[str, Any], new: dict[str, Any]) -> bool | None:
    """True narrowed, False widened, None same, for the parameters of one type (precision, scale, maxLength)."""
    verdicts = []
    for key in ("precision", "scale", "maxLength"):
        a, b = _int(old.get(key)), _int(new.get(key))
        if a == b:
            continue
        if b is None:  # the parameter is lifted: the type's maximum
            verdicts.append(False)
        elif a is None:  # a limit is set where there was none
            verdicts.append(True)
        else:
            verdicts.append(b < a)
    if not verdicts:
        return None
    return any(verdicts)


def _compare(old: list[dict[str, Any]], new: list[dict[str, Any]], prefix: str, top: bool, external: bool,
             changes: list[ColumnChange], reasons: list[str]) -> None:
    old_by = {str(f.get("name")): f for f in old}
    new_by = {str(f.get("name")): f for f in new}
    for name, field in new_by.items():
        if name not in old_by:
            changes.append(ColumnChange(prefix + name, "added", after=_describe(field)))
            if field.get("mode") == "REQUIRED":  # the provider compares the exact string
                reasons.append(f"new column {prefix + name} is REQUIRED")
    dropped = [n for n in old_by if n not in new_by]
    for name in dropped:
        changes.append(ColumnChange(prefix + name, "dropped", before=_describe(old_by[name])))
        if not top or external:
            where = "inside a RECORD" if not top else "from an external table"
            reasons.append(f"column {prefix + name} dropped {where}")
    same = [n for n in old_by if n in new_by]
    if top and dropped and len(new_by) - len(same) > 0:
        reasons.append("columns dropped and added in one change (a possible rename)")
    for name in same:
        a, b = old_by[name], new_by[name]
        column = prefix + name
        ta, tb = a.get("type"), b.get("type")
        if ta is not None and tb is not None and not _type_eq(str(ta), str(tb)):
            changes.append(ColumnChange(column, "type", _describe(a), _describe(b)))
            reasons.append(f"column {column} type {str(ta).upper()} -> {str(tb).upper()}")
        else:
            narrowed = _narrowed(a, b)
            if narrowed is not None:
                changes.append(ColumnChange(column, "narrowed" if narrowed else "widened", _describe(a), _describe(b)))
        ma, mb = _mode(a.get("mode")), _mode(b.get("mode"))
        if ma != mb:
            changes.append(ColumnChange(column, "mode", ma, mb))
            if not _mode_in_place(ma, mb):
                reasons.append(f"column {column} mode {ma} -> {mb}")
        fa, fb = a.get("fields"), b.get("fields")
        if isinstance(fa, list) or isinstance(fb, list):
            _compare(_parse(fa or []), _parse(fb or []), column + ".", False, external, changes, reasons)


def bigquery_changes(before: Any, after: Any, *, external: bool = False) -> SchemaVerdict:
    """The column changes between two BigQuery schemas (JSON text or lists) and whether they force a new table."""
    changes: list[ColumnChange] = []
    reasons: list[str] = []
    _compare(_parse(before), _parse(after), "", True, external, changes, reasons)
    return SchemaVerdict(tuple(changes), bool(reasons), tuple(reasons))


_GLUE_INT_WIDTH = {"tinyint": 1, "smallint": 2, "int": 4, "integer": 4, "bigint": 8}
_GLUE_FLOAT_WIDTH = {"float": 4, "real": 4, "double": 8}
_PARAMS = re.compile(r"^(\w+)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$")


def _glue_widened(old: str, new: str) -> bool:
    """Whether every value of Glue type ``old`` fits ``new`` (same type, a wider one, or string)."""
    a, b = old.strip().lower(), new.strip().lower()
    if a == b or b == "string":
        return True
    if a in _GLUE_INT_WIDTH and b in _GLUE_INT_WIDTH:
        return _GLUE_INT_WIDTH[b] >= _GLUE_INT_WIDTH[a]
    if a in _GLUE_FLOAT_WIDTH and b in _GLUE_FLOAT_WIDTH:
        return _GLUE_FLOAT_WIDTH[b] >= _GLUE_FLOAT_WIDTH[a]
    if a in _GLUE_INT_WIDTH and b == "double":
        return _GLUE_INT_WIDTH[a] <= 4  # a bigint does not fit a double's 53-bit mantissa
    ma, mb = _PARAMS.match(a), _PARAMS.match(b)
    if ma and mb and ma.group(1) == mb.group(1) == "decimal":
        pa, sa, pb, sb = int(ma.group(2)), int(ma.group(3) or 0), int(mb.group(2)), int(mb.group(3) or 0)
        return sb >= sa and pb - sb >= pa - sa
    if ma and mb and ma.group(1) in ("varchar", "char") and mb.group(1) == "varchar":
        return int(mb.group(2)) >= int(ma.group(2))
    if a in _GLUE_INT_WIDTH and mb and mb.group(1) == "decimal":
        digits = {1: 3, 2: 5, 4: 10, 8: 19}[_GLUE_INT_WIDTH[a]]
        return int(mb.group(2)) - int(mb.group(3) or 0) >= digits
    return False


def glue_changes(before: Any, after: Any) -> tuple[ColumnChange, ...]:
    """The column changes between two Glue column lists (``storage_descriptor.columns``)."""
    old = {str(c.get("name")): str(c.get("type", "")) for c in before or () if isinstance(c, dict)}
    new = {str(c.get("name")): str(c.get("type", "")) for c in after or () if isinstance(c, dict)}
    out = [ColumnChange(n, "dropped", before=t) for n, t in old.items() if n not in new]
    out += [ColumnChange(n, "added", after=t) for n, t in new.items() if n not in old]
    for name in (n for n in old if n in new and old[n].strip().lower() != new[n].strip().lower()):
        widened = _glue_widened(old[name], new[name])
        out.append(ColumnChange(name, "widened" if widened else "narrowed", old[name], new[name]))
    return tuple(out)
