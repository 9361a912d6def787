"""Layer 2: one main resource each, typed props, ``grant_*`` methods."""
