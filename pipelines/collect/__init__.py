"""Stage 2, collect: one document per registry entry, from the inbox, the registry's source or the
body's listing page, stored by sha256 in the raw archive (`collector.Collector`). Nothing here
reads a report: whether a page holds the tables is asked of the read stage through a callable."""
