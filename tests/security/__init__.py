"""The standing attack suite: what an outside test of the running product tries, kept as tests."""
