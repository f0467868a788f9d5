"""The domain rules as pure functions over plain facts: no database, no engine, no clock of their own."""
