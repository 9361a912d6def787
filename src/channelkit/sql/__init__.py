"""SQL that channelkit generates (BigQuery standard SQL)."""

from .latest_state import latest_state_sql, quote_identifier

__all__ = ["latest_state_sql", "quote_identifier"]
