"""Normalising and checking one serial number, and counting with a serial pattern."""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_SERIAL_LENGTH = 64
MIN_NUMBER_WIDTH = 5

_COUNTER_RE = re.compile(r"^(?P<prefix>.*[^0-9])?(?P<number>[0-9]+)(?P<suffix>[^0-9]*)$", re.S)


@dataclass(frozen=True)
class SerialMessage:
    """What these tools say about a text, as a code and its parameters.

    Nothing here imports Odoo, so nothing here speaks the user's language: the addon's
    models turn a message into text (models/serial_messages.py). A parameter may itself be
    a message, or a tuple of messages.
    """

    code: str
    params: dict = field(default_factory=dict)

    def __repr__(self):
        return f"{self.code}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    __str__ = __repr__


class SerialTextError(ValueError):
    """A serial (or Next Serial) that cannot be used; `message` is a SerialMessage."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def normalize_serial(text):
    """Return `text` trimmed and in NFKC form (full-width digits and letters become ASCII).

    Scanners and East-Asian keyboards send full-width characters; NFKC maps them to the
    characters a person reads, so `１２３` and `123` are the same serial.
    """
    return unicodedata.normalize("NFKC", text).strip()


_ASCII_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Unicode's control characters (category Cc): C0, DEL and C1.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_character(text):
    """The code point (`U+0000`) of the first control character in `text`, or None."""
    control = _CONTROL_RE.search(text)
    return _code_point(control[0]) if control else None


def serial_problem(serial):
    """Return why `serial` (already normalised) cannot be a serial number, or None.

    Control characters (Cc) and invisible ones — formatting such as zero-width spaces and
    bidirectional overrides (Cf), line and paragraph separators (Zl, Zp), private or
    unassigned code points — are refused: a person cannot see or type them back.
    """
    if not serial:
        return SerialMessage("empty")
    if len(serial) > MAX_SERIAL_LENGTH:
        return SerialMessage("too_long", {"limit": MAX_SERIAL_LENGTH})
    if serial.isascii():  # the usual case, checked in one regex pass
        control = _ASCII_CONTROL_RE.search(serial)
        if control:
            return SerialMessage("control_character", {"code_point": _code_point(control[0])})
        return None
    for char in serial:
        category = unicodedata.category(char)
        if category == "Cc":
            return SerialMessage("control_character", {"code_point": _code_point(char)})
        if category[0] == "C" or category in ("Zl", "Zp"):
            return SerialMessage("invisible_character", {"code_point": _code_point(char)})
    return None


def stored_serial_problem(name):
    """Why `name`, as stored (not normalised), cannot be a serial number, or None."""
    if name and name != name.strip():
        return SerialMessage("surrounding_space")
    return serial_problem(name)


def _code_point(char):
    return f"U+{ord(char):04X}"


@dataclass(frozen=True)
class SerialCounter:
    """A serial split around its last run of digits: `SN-0042-X` counts as SN-, 42, -X."""

    prefix: str
    number: int
    width: int
    suffix: str

    @classmethod
    def parse(cls, text):
        """Read a Next Serial typed by a person; numbers under 5 digits are padded to 5."""
        serial = normalize_serial(text or "")
        problem = serial_problem(serial)
        if problem:
            raise SerialTextError(SerialMessage(
                "next_serial_invalid", {"serial": serial, "problem": problem}))
        match = _COUNTER_RE.match(serial)
        if not match:
            raise SerialTextError(SerialMessage("next_serial_no_number", {"serial": serial}))
        digits = match["number"]
        return cls(
            prefix=match["prefix"] or "",
            number=int(digits),
            width=max(MIN_NUMBER_WIDTH, len(digits)),
            suffix=match["suffix"],
        )

    def format(self, number):
        return f"{self.prefix}{number:0{self.width}d}{self.suffix}"

    def block(self, count):
        """The `count` serials starting at this one."""
        return [self.format(number) for number in range(self.number, self.number + count)]
