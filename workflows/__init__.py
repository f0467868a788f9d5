"""Engine glue and domain services on SpiffWorkflow; callers pass a Session and own the transaction."""
