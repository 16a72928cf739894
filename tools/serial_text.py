"""Normalising and checking one serial number, and counting with a serial pattern."""

import re
import unicodedata
from dataclasses import dataclass

MAX_SERIAL_LENGTH = 64
MIN_NUMBER_WIDTH = 5

_COUNTER_RE = re.compile(r"^(?P<prefix>.*[^0-9])?(?P<number>[0-9]+)(?P<suffix>[^0-9]*)$", re.S)


class SerialTextError(ValueError):
    """A serial (or Next Serial) that cannot be used, with a message for the user."""


def normalize_serial(text):
    """Return `text` trimmed and in NFKC form (full-width digits and letters become ASCII).

    Scanners and East-Asian keyboards send full-width characters; NFKC maps them to the
    characters a person reads, so `１２３` and `123` are the same serial.
    """
    return unicodedata.normalize("NFKC", text).strip()


_ASCII_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def serial_problem(serial):
    """Return why `serial` (already normalised) cannot be a serial number, or None."""
    if not serial:
        return "is empty"
    if len(serial) > MAX_SERIAL_LENGTH:
        return f"is longer than {MAX_SERIAL_LENGTH} characters"
    if serial.isascii():  # the usual case, checked in one regex pass
        control = _ASCII_CONTROL_RE.search(serial)
        control = control and control[0]
    else:
        control = next((char for char in serial if unicodedata.category(char)[0] == "C"), None)
    if control:
        return f"contains the control character U+{ord(control):04X}"
    return None


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
            raise SerialTextError(f"Next Serial {serial!r} {problem}.")
        match = _COUNTER_RE.match(serial)
        if not match:
            raise SerialTextError(
                f"Next Serial {serial!r} has no number to count from; "
                "end it with digits, e.g. SN-00001."
            )
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
