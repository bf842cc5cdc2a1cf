"""What the command line prints when something is wrong: short, one line, never a wall of text."""

from __future__ import annotations

import re

#: A run of this many non-blank characters in an error line is cut down (a 100,000-character id).
LONG_VALUE = 120
_LONG = re.compile(r"[^\s:\"()]{%d,}" % LONG_VALUE)


def shorten(text: str) -> str:
    """``text`` with every very long word cut to its start, saying how long it was."""
    return _LONG.sub(lambda m: f"{m.group(0)[:60]}…[{len(m.group(0))} characters]", text)


def bad_argument(args: list[str]) -> str | None:
    """Why an argument cannot be used (not valid UTF-8 text), or None when all can."""
    for i, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            return (f"argument {i} is not valid UTF-8 text ({shorten(shown)}); peacesim takes UTF-8 names and values "
                    "(rename the file, or retype the value)")
    return None
