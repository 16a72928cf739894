"""Tell a GS1 scan from a plain serial, before handing it to Odoo's GS1 nomenclature."""

import re
import string

FNC1 = "\x1d"
SYMBOLOGY_IDENTIFIERS = ("]C1", "]e0", "]d2", "]Q3", "]J1")
# A value may be empty: `(01)...(21)` is a GS1 barcode without its serial, not a serial.
_PARENTHESIZED_RE = re.compile(r"^(\(\d{2,4}\)[^()]*)+$")
_AI_RE = re.compile(r"\((\d{2,4})\)")
# AI (01), a GTIN-14 of fixed length, then at least one more element.
_RAW_GTIN_RE = re.compile(r"^01(\d{14})\d{2}")


def gs1_payload(scan):
    """The GS1 element string of `scan`, or None when the scan is a plain serial.

    A scan counts as GS1 only when it says so: a symbology identifier (]C1 GS1-128,
    ]d2 DataMatrix, ...), a leading FNC1, or the human-readable form `(01)...(21)...`.
    A serial that merely starts with digits such as `21` is never misread.
    """
    # Not Python's `strip()`, which counts FNC1 as white space and would take it off.
    scan = (scan or "").strip(string.whitespace)
    if scan.startswith(SYMBOLOGY_IDENTIFIERS) or scan.startswith(FNC1):
        return scan
    if _PARENTHESIZED_RE.match(scan):
        # Variable-length fields end with FNC1, which Odoo's rules accept as separator.
        return _AI_RE.sub(lambda match: FNC1 + match[1], scan).lstrip(FNC1)
    return None


def is_empty_scan(scan):
    """Whether `scan` carries nothing: blank, or only a symbology identifier and FNC1s
    (Python's `strip` takes FNC1 off too: it counts as white space)."""
    scan = scan.strip()
    identifier = next((prefix for prefix in SYMBOLOGY_IDENTIFIERS if scan.startswith(prefix)), "")
    return not scan[len(identifier):].strip()


def gtin_check_digit_ok(gtin):
    """Whether the last digit of `gtin` (digits only) is its GS1 check digit."""
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(digit) * (3 if index % 2 == 0 else 1)
                for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def raw_gs1_candidate(scan):
    """`scan` stripped when it may be a GS1 element string sent without symbology
    identifier or FNC1 (many keyboard-wedge scanners send none by default), else None.

    Only AI (01) has the fixed length that makes such a scan readable: `01`, a GTIN-14
    whose check digit is right, then another element. The caller still has to decompose
    it and find a serial (AI 21) before treating it as GS1.
    """
    scan = (scan or "").strip(string.whitespace)
    match = _RAW_GTIN_RE.match(scan)
    if match and gtin_check_digit_ok(match[1]):
        return scan
    return None
