"""User-facing errors: one clear line, a non-zero exit, never a traceback.

Library code raises :class:`RbxError` for anything the *user* can fix (bad input, missing files,
unknown names). The CLI prints ``error: <message>`` and exits with ``exit_code``. Anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations


class RbxError(Exception):
    """An error caused by the user's input, reported as one line."""

    def __init__(self, message: str, exit_code: int = 2):
        # Keep the message to one line: a user reads it in a terminal or a CI log.
        super().__init__(" ".join(str(message).split()))
        self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)
