"""Layer 3: patterns built from channelkit's constructs."""
