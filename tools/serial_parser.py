"""Read the serial numbers a person typed, pasted or scanned.

Tokens are separated by commas, semicolons, tabs and line breaks (LF, CR, CRLF), so a
column, a row or a block of spreadsheet cells can be pasted as it is. A token `A-B` whose
two ends have the same shape (same prefix and suffix around the number) is a span.
Nothing here raises on bad input: every token gets a report, and the caller decides.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

from .serial_text import (
    MAX_SERIAL_LENGTH,
    SerialMessage,
    SerialTextError,
    normalize_serial,
    serial_problem,
)

DEFAULT_MAX_SERIALS = 100_000

# A token starts and ends with a character that is neither a separator nor white space.
_TOKEN_RE = re.compile(r"[^,;\s](?:[^,;\t\r\n]*[^,;\s])?")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_SHAPE_RE = re.compile(r"^(?P<prefix>.*[^0-9])?(?P<number>[0-9]+)(?P<suffix>[^0-9]*)$", re.S)
# A letter that reads as a digit, written next to a digit: `1l1`, `1O0`, `I23`.
_LOOKALIKE_RE = re.compile(r"(?<=[0-9])[lIOo]|[lIOo](?=[0-9])")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_LOOKALIKE_DIGITS = str.maketrans("lIOo", "1100")

LITERAL = "literal"
SPAN = "span"
DUPLICATE = "duplicate"
ERROR = "error"


@dataclass(slots=True)
class TokenReport:
    """What one input token became."""

    text: str
    offset: int
    line_starts: list
    kind: str = LITERAL
    serials: tuple = ()
    message: SerialMessage | None = None  # why the token is an error or a duplicate
    warnings: tuple = ()  # SerialMessages

    # Line and column are worked out only for the tokens someone looks at.
    @property
    def line(self):
        return bisect_right(self.line_starts, self.offset)

    @property
    def column(self):
        return self.offset - self.line_starts[self.line - 1] + 1

    @property
    def where(self):
        return SerialMessage("where", {"line": self.line, "column": self.column})

    @property
    def place(self):
        """Where the token is, as a person says it: the column only when it helps (a row
        of cells pasted), not for the first token of a line."""
        return self.where if self.column > 1 else SerialMessage("line", {"line": self.line})

    def describe(self):
        """What the token became, for a preview."""
        if self.kind == SPAN:
            return SerialMessage("span", {"count": len(self.serials), "first": self.serials[0],
                                          "last": self.serials[-1]})
        if self.kind == LITERAL:
            return SerialMessage("serial")
        return self.message


@dataclass
class ParseResult:
    serials: list
    tokens: list

    @property
    def errors(self):
        return [token for token in self.tokens if token.kind in (ERROR, DUPLICATE)]

    @property
    def warnings(self):
        return [(token, warning) for token in self.tokens for warning in token.warnings]


def _shape(text):
    match = _SHAPE_RE.match(text)
    if not match:
        return None
    return match["prefix"] or "", match["number"], match["suffix"]


def _read_span(text):
    """Split `text` at the first hyphen whose two sides have the same shape.

    Returns (prefix, start digits, end digits, suffix) or None. The numbers are either of
    the same width (leading zeroes kept: 0098-0102) or written without leading zeroes
    (1-100).
    """
    position = text.find("-")
    while position > 0:
        start, end = _shape(text[:position]), _shape(text[position + 1:])
        if start and end and start[0] == end[0] and start[2] == end[2]:
            first, last = start[1], end[1]
            unpadded = first == str(int(first)) and last == str(int(last))
            if len(first) == len(last) or unpadded:
                return start[0], first, last, start[2]
        position = text.find("-", position + 1)
    return None


def _read_short_span(text):
    """`SN-1000-1009` or `SN-1000-09`: a span whose end repeats only the number.

    Returns (prefix, start digits, end digits, suffix) with the end written in full, and
    whether the end was written in full width; or None. Read only when no hyphen splits
    `text` into two ends of the same shape.
    """
    position = text.rfind("-")
    end = text[position + 1:]
    start = _shape(text[:position]) if position > 0 else None
    if not (start and end.isdigit() and not start[2]) or len(end) > len(start[1]):
        return None
    prefix, first = start[0], start[1]
    last = first[:len(first) - len(end)] + end
    if int(last) <= int(first):
        return None
    return (prefix, first, last, ""), len(end) == len(first)


def lookalike_reading(serial):
    """The serial as digits, when it mixes digits with l, I, O or o; else None."""
    if not _LOOKALIKE_RE.search(serial):
        return None
    return _LOOKALIKE_RE.sub(lambda match: match[0].translate(_LOOKALIKE_DIGITS), serial)


def parse_serials(text, spans=True, max_serials=DEFAULT_MAX_SERIALS, pattern=None):
    """Parse `text` into an ordered list of unique serials and a report per token.

    `pattern` is a compiled regular expression every serial must match in full
    (see `compile_serial_pattern`). At most `max_serials` serials are produced: a span
    or token that would go past the limit is refused before it is expanded.
    """
    text = text or ""
    line_starts = [0] + [match.end() for match in _LINE_BREAK_RE.finditer(text)]
    serials = []
    first_seen = {}
    tokens = []
    # Bound once: this loop runs for every token of a 100,000-token paste.
    control_search, lookalike_search = _CONTROL_RE.search, _LOOKALIKE_RE.search
    add_token, add_serial = tokens.append, serials.append
    for match in _TOKEN_RE.finditer(text):
        raw = match[0]
        token = TokenReport(raw, match.start(), line_starts)
        add_token(token)
        is_ascii = raw.isascii()
        serial = raw if is_ascii else normalize_serial(raw)
        is_ascii = is_ascii or serial.isascii()
        if serial[0] == '"' and serial[-1] == '"' and len(serial) > 1:
            serial = serial[1:-1].strip()  # a spreadsheet cell copied with its quotes
        # The usual short ASCII serial is cleared by one regex; anything else in full.
        if serial and len(serial) <= MAX_SERIAL_LENGTH and is_ascii and not control_search(serial):
            problem = None
        else:
            problem = serial_problem(serial)
        if problem:
            token.kind, token.message = ERROR, problem
            continue
        candidates = [serial]
        span = _read_span(serial) if spans and "-" in serial else None
        short_span = None if span or not spans or "-" not in serial else _read_short_span(serial)
        if short_span:
            short_span, full_width = short_span
            prefix, first, last, _suffix = short_span
            names = {"serial": serial, "first": prefix + first, "last": prefix + last}
            # Two readings: one serial, or a span. A short end (SN-19074-076) is how
            # serials numbered within a batch are written, so it stays one serial. A
            # full-width end (SN-1000-1009) is a span, as 1000-1009 is, unless the
            # product's serial pattern accepts only the single serial.
            if not full_width:
                token.warnings = (SerialMessage("short_span_kept", names),)
            elif (pattern is not None and pattern.fullmatch(serial)
                    and not pattern.fullmatch(names["first"])):
                token.warnings = (SerialMessage("pattern_span_kept", names),)
            else:
                span = short_span
                token.warnings = (SerialMessage("short_span", names),)
        if span:
            prefix, first, last, suffix = span
            start, end = int(first), int(last)
            if end > start:
                count = end - start + 1
                if len(serials) + count > max_serials:
                    token.kind = ERROR
                    token.message = SerialMessage(
                        "span_over_limit", {"count": count, "limit": max_serials})
                    continue
                # Never longer than the token itself, already checked against the limit.
                width = len(first) if len(first) == len(last) else 0
                candidates = [f"{prefix}{number:0{width}d}{suffix}"
                              for number in range(start, end + 1)]
                token.kind = SPAN
            else:
                token.warnings = (SerialMessage("span_decreasing"),)
        if token.kind == LITERAL and len(serials) + 1 > max_serials:
            token.kind = ERROR
            token.message = SerialMessage("over_limit", {"limit": max_serials})
            continue
        if pattern is not None:
            mismatch = next((c for c in candidates if not pattern.fullmatch(c)), None)
            if mismatch is not None:
                token.kind = ERROR
                token.message = SerialMessage("pattern_mismatch", {"serial": mismatch})
                continue
        if token.kind == LITERAL:  # the usual case, without a generator
            repeated = serial if serial in first_seen else None
        else:
            repeated = next((c for c in candidates if c in first_seen), None)
        if repeated is not None:
            earlier = first_seen[repeated]
            token.kind = DUPLICATE
            token.message = SerialMessage("duplicate", {
                "serial": repeated, "first": earlier.place, "again": token.place})
            continue
        if token.kind == LITERAL:
            first_seen[serial] = token
            add_serial(serial)
            token.serials = candidates
        else:
            for candidate in candidates:
                first_seen[candidate] = token
            serials.extend(candidates)
            token.serials = candidates
        if not is_ascii:
            # Left after NFKC: Cyrillic or Greek letters that look Latin, emoji, accents.
            others = ", ".join(f"{char!r} (U+{ord(char):04X})"
                               for char in dict.fromkeys(serial) if not char.isascii())
            token.warnings = (*token.warnings,
                              SerialMessage("non_ascii", {"characters": others}))
        if token.kind == LITERAL and lookalike_search(serial):
            reading = lookalike_reading(serial)
            # Named, not shown: in many fonts the letter looks just like the digit.
            letters = tuple(SerialMessage("lookalike_letter",
                                          {"letter": serial[i], "position": i + 1})
                            for i in range(len(serial)) if serial[i] != reading[i])
            token.warnings = (*token.warnings, SerialMessage(
                "lookalike", {"reading": reading, "letters": letters}))
    return ParseResult(serials=serials, tokens=tokens)


def format_serials(serials):
    """One serial a line: the text a parse of it gives back (spans off)."""
    return "\n".join(serials)


_MASK_CLASSES = {"#": "[0-9]", "?": "[A-Za-z]", "*": "."}


def compile_serial_pattern(pattern):
    """Compile a product's serial pattern: `/regex/`, or a mask such as `SN-#####`.

    In a mask `#` is a digit, `?` a letter, `*` any character; the rest is literal.
    Raises SerialTextError for an invalid regular expression.
    """
    pattern = (pattern or "").strip()
    if not pattern:
        return None
    if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
        try:
            return re.compile(pattern[1:-1])
        except re.error as error:
            raise SerialTextError(SerialMessage(
                "invalid_pattern", {"pattern": pattern, "error": str(error)})) from None
    return re.compile("".join(_MASK_CLASSES.get(char, re.escape(char)) for char in pattern))
