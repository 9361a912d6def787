"""Column types: a source's native types parsed into logical types, mapped to each warehouse.

- :mod:`~channelkit.columns.native`: ``parse("mysql", "DECIMAL(5,2)")`` → a :class:`LogicalType`;
- :mod:`~channelkit.columns.warehouse`: the most precise BigQuery and Glue type of a logical type.
"""

from .logical import KINDS, LogicalType
from .native import ACCEPTED, PORTABLE, TypeParseError, parse
from .warehouse import BigQueryType, athena_expression, bigquery_type, glue_type, wire_form

__all__ = [
    "ACCEPTED",
    "KINDS",
    "PORTABLE",
    "BigQueryType",
    "LogicalType",
    "TypeParseError",
    "athena_expression",
    "bigquery_type",
    "glue_type",
    "parse",
    "wire_form",
]
