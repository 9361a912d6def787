r"""Checking quality checks against the column types and the engines that run them (used by the Channel).

A check must suit its column: :class:`~channelkit.quality.Range` on numbers, dates and times,
:class:`~channelkit.quality.Matches` and :class:`~channelkit.quality.AcceptedValues` on text.
User text lands in three languages, and none of it may escape the place it is put:

- **regular expressions** run under RE2 (BigQuery's ``REGEXP_CONTAINS`` behind Dataplex) and Java
  (Glue Data Quality): refused are the constructs RE2 does not have (lookahead and lookbehind,
  backreferences ``\1`` and ``(?P=name)``, atomic groups ``(?>``, possessive quantifiers ``*+``, conditionals),
  and a pattern Python cannot compile;
- **DQDL strings** (``"..."``, AWS Glue): a double quote would end the string and a trailing backslash
  would escape the closing quote (the lexer's ``QUOTED_STRING: QUOTE (ESC | .)*? QUOTE`` with
  ``ESC: '\\"' | '\\\\'``; github.com/awslabs/dqdl, ``configuration/dqdl/CommonLexerRules.g4`` at
  ``43b91abb4ccd4935b8301c6e777df79a23419fc3``), so neither is accepted;
- **SQL** (a row condition): one expression, so no ``;`` and no comment (``--``, ``/*``, ``#``) that would
  cut off what channelkit puts after it;

and Terraform reads each through :func:`channelkit._text.literal`, so ``${`` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from channelkit.columns import LogicalType
from channelkit.errors import ProblemCollector
from channelkit.props import check_props

from .checks import COLUMN_CHECKS, TABLE_CHECKS, AcceptedValues, Check, Freshness, Matches, Range, RowCondition

__all__ = [
    "NUMERIC_KINDS", "TEMPORAL_KINDS", "TEXT_KINDS", "check_column_checks", "check_table_checks", "re2_problem",
]

#: Logical kinds a numeric Range suits.
NUMERIC_KINDS = ("int", "decimal", "float", "year")
#: Logical kinds a date/time Range and a Freshness column suit.
TEMPORAL_KINDS = ("date", "datetime", "timestamp")
#: Logical kinds Matches and AcceptedValues suit.
TEXT_KINDS = ("string", "enum", "uuid")

_RE2_UNSUPPORTED: tuple[tuple[str, str], ...] = (
    (r"\(\?=|\(\?!", "lookahead (?= or (?!"),
    (r"\(\?<=|\(\?<!", "lookbehind (?<= or (?<!"),
    (r"\(\?P=", "a named backreference (?P=name)"),
    (r"\\[1-9]|\\g<|\\k<", "a backreference (\\1, \\g<...>, \\k<...>)"),
    (r"\(\?>", "an atomic group (?>...)"),
    (r"[*+?}]\+", "a possessive quantifier (*+, ++, ?+, {n}+)"),
    (r"\(\?\(", "a conditional (?(...)"),
)
_SQL_FORBIDDEN = re.compile(r";|--|/\*|\*/|#|\"|`{3}")
_MAX_AGE = (timedelta(minutes=1), timedelta(days=366))


def _strip_escapes(pattern: str) -> str:
    """``pattern`` with escaped characters and class contents blanked, so only real syntax is looked at."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append("\\" + nxt if nxt.isdigit() or nxt in "gk" and not in_class else "__")
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            out.append("_")
        else:
            in_class = c == "["
            out.append(c)
        i += 1
    return "".join(out)


def re2_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot run under RE2 (and Python), or None when it can."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"a regular expression that compiles ({exc})"
    bare = _strip_escapes(pattern)
    for construct, words in _RE2_UNSUPPORTED:
        if re.search(construct, bare):
            return f"a regular expression in RE2 syntax (BigQuery/Dataplex); not {words}"
    return None


def _dqdl_string_problem(text: str) -> str | None:
    if '"' in text:
        return "no double quote (it would end the DQDL string on AWS Glue; write \\x22 in a pattern)"
    if re.search(r"(?<!\\)(\\\\)*\\$", text):
        return "no trailing backslash (it would escape the closing quote of the DQDL string on AWS Glue)"
    return None


def _bound_suits(value: Any, kind: str) -> bool:
    if kind in NUMERIC_KINDS:
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool) and (
            not isinstance(value, float) or value == value and abs(value) != float("inf"))
    if kind == "date":
        return isinstance(value, date) and not isinstance(value, datetime)
    if kind == "datetime":
        return isinstance(value, datetime) and value.tzinfo is None
    if kind == "timestamp":
        return isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None
    return False


_BOUNDS = {
    "date": "a datetime.date", "datetime": "a naive datetime (wall clock, as the column)",
    "timestamp": "a timezone-aware datetime",
}


def _check_range(problems: ProblemCollector, where: str, check: Range, logical: LogicalType) -> None:
    kind = logical.kind
    if kind not in NUMERIC_KINDS + TEMPORAL_KINDS:
        problems.add(where, check, f"a check suiting a {logical.native} column: Range needs a number, date or "
                                   "time column")
        return
    what = "a number (int, float, Decimal)" if kind in NUMERIC_KINDS else _BOUNDS[kind]
    problems.check(check.min is not None or check.max is not None, where, check, "Range(min=..., max=...) with "
                   "at least one bound")
    for name in ("min", "max"):
        value = getattr(check, name)
        if value is not None:
            problems.check(_bound_suits(value, kind), f"{where}.{name}", value, f"None or {what}")
    lo: Any = check.min
    hi: Any = check.max
    if lo is not None and hi is not None and _bound_suits(lo, kind) and _bound_suits(hi, kind):
        problems.check(lo <= hi, f"{where}.max", hi, f"a bound >= min ({lo!r})")


def check_column_checks(
    problems: ProblemCollector, where: str, checks: Any, logical: LogicalType | None,
) -> None:
    """Record every problem of a column's ``checks`` (``where`` is ``tables[t].columns[c].checks``).

    ``logical`` is the column's parsed type (None when it did not parse: that is a problem of its own and the
    type-dependent checks are skipped).
    """
    if not isinstance(checks, list | tuple):
        problems.add(where, checks, "a list of quality checks (NotNull(), Unique(), AcceptedValues(...), "
                                    "Range(...), Matches(...))")
        return
    seen: set[type] = set()
    for i, check in enumerate(checks):
        at = f"{where}[{i}]"
        if not isinstance(check, COLUMN_CHECKS):
            allowed = ("a table check: put it in Table(checks=[...])" if isinstance(check, TABLE_CHECKS)
                       else "a column check: NotNull(), Unique(), AcceptedValues(...), Range(...), Matches(...)")
            problems.add(at, check, allowed)
            continue
        if not problems.check(type(check) not in seen, at, check, f"one {type(check).__name__} per column"):
            continue
        seen.add(type(check))
        if not all(check_props(problems, type(check).PROPS, check, prefix=f"{at}.").values()):
            continue
        if logical is None:
            continue
        _check_typed(problems, at, check, logical)


def _check_typed(problems: ProblemCollector, at: str, check: Check, logical: LogicalType) -> None:
    text_column = logical.kind in TEXT_KINDS
    if isinstance(check, Range):
        _check_range(problems, at, check, logical)
    elif isinstance(check, Matches):
        if not problems.check(text_column, at, check, f"a check suiting a {logical.native} column: Matches "
                              "needs a text column (string, ENUM, UUID)"):
            return
        problem = re2_problem(check.pattern) or _dqdl_string_problem(check.pattern)
        if problem:
            problems.add(f"{at}.pattern", check.pattern, problem)
    elif isinstance(check, AcceptedValues):
        if not problems.check(text_column, at, check, f"a check suiting a {logical.native} column: "
                              "AcceptedValues needs a text column (string, ENUM, UUID)"):
            return
        for j, value in enumerate(check.values):
            problem = _dqdl_string_problem(value)
            if problem:
                problems.add(f"{at}.values[{j}]", value, problem)
        if logical.values:
            extra = [v for v in check.values if v not in logical.values]
            problems.check(not extra, f"{at}.values", extra, "values of the column's type "
                           f"{logical.native} (the ENUM gives its values as accepted values already)")


def check_table_checks(
    problems: ProblemCollector, where: str, checks: Any, types: Mapping[str, LogicalType],
    columns: Sequence[str],
) -> None:
    """Record every problem of a table's ``checks`` (``where`` is ``tables[t].checks``).

    Args:
        problems: where problems go.
        where: the field prefix.
        checks: the table's checks.
        types: column name -> logical type, for the columns whose type parsed.
        columns: the table's declared column names.
    """
    if not isinstance(checks, list | tuple):
        problems.add(where, checks, "a list of table checks (RowCondition(...), Freshness(...))")
        return
    names: set[str] = set()
    freshness = 0
    for i, check in enumerate(checks):
        at = f"{where}[{i}]"
        if not isinstance(check, TABLE_CHECKS):
            allowed = ("a column check: put it in Column(checks=[...])" if isinstance(check, COLUMN_CHECKS)
                       else "a table check: RowCondition(sql), Freshness(max_age=...)")
            problems.add(at, check, allowed)
            continue
        if isinstance(check, RowCondition):
            if not all(check_props(problems, RowCondition.PROPS, check, prefix=f"{at}.").values()):
                continue
            bad = _SQL_FORBIDDEN.search(check.sql)
            problems.check(bad is None, f"{at}.sql", check.sql, "one SQL expression without ';', comments "
                           "(--, /* */, #) or double quotes (it lands in a generated query and a DQDL string)")
            if check.sql.rstrip().endswith("\\"):
                problems.add(f"{at}.sql", check.sql, "no trailing backslash (DQDL string on AWS Glue)")
            if check.name is not None:
                problems.check(check.name not in names, f"{at}.name", check.name, "a rule name used once per table")
                names.add(check.name)
        elif isinstance(check, Freshness):
            freshness += 1
            problems.check(freshness == 1, at, check, "one Freshness per table")
            age = check.max_age
            lo, hi = _MAX_AGE
            problems.check(isinstance(age, timedelta) and lo <= age <= hi and age.microseconds == 0,
                           f"{at}.max_age", age, "a timedelta of whole seconds, 1 minute to 366 days")
            if check.column is None:
                continue
            if not problems.check(isinstance(check.column, str) and check.column in columns, f"{at}.column",
                                  check.column, "None (the newest captured change) or a declared column"):
                continue
            logical = types.get(check.column)
            if logical is not None:
                problems.check(logical.kind in TEMPORAL_KINDS, f"{at}.column", check.column,
                               f"a date, datetime or timestamp column (not {logical.native})")
