"""The read side: case summaries, inboxes, search, and codes and states as people read them."""
