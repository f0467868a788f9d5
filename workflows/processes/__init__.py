"""The procedures as deployed: validation, immutable versions, the local settings and functions models call."""
