"""A first-come, first-served queue of one process's writers to a SQLite database."""

import threading
import time

# Per thread (a request, a command): the seconds its writers waited in a queue, for its log line.
_waited = threading.local()


def waited() -> float:
    """Seconds this thread's writers have waited for their turn since :func:`reset_waited`."""
    return getattr(_waited, "seconds", 0.0)


def reset_waited() -> None:
    _waited.seconds = 0.0


class WriteQueue:
    """Lets one writer in at a time, in the order they came; the next is woken as soon as the one before leaves."""

    def __init__(self) -> None:
        self._turns = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._given_up: set[int] = set()

    def enter(self, timeout: float) -> bool:
        """Wait for this writer's turn; False when ``timeout`` seconds passed first (its place is given up)."""
        asked = time.monotonic()
        try:
            with self._turns:
                ticket = self._next_ticket
                self._next_ticket += 1
                while self._serving != ticket:
                    left = asked + timeout - time.monotonic()
                    if left <= 0:
                        self._given_up.add(ticket)
                        return False
                    self._turns.wait(left)
                return True
        finally:
            _waited.seconds = waited() + time.monotonic() - asked

    def leave(self) -> None:
        """The writer in turn is done: the next one still waiting goes."""
        with self._turns:
            self._serving += 1
            while self._serving in self._given_up:
                self._given_up.discard(self._serving)
                self._serving += 1
            self._turns.notify_all()

    def waiting(self) -> int:
        """How many writers are in the queue, the one in turn included."""
        with self._turns:
            return self._next_ticket - self._serving - len(self._given_up)
