"""Publishing golden-record changes: the outbox, the change feed, relays."""
