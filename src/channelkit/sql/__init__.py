"""SQL channelkit generates: the latest-state query over a change-log table, per warehouse dialect."""

from .latest_state import DIALECTS, RANK_COLUMN, latest_state_sql, quote_identifier

__all__ = ["DIALECTS", "RANK_COLUMN", "latest_state_sql", "quote_identifier"]
