"""Tell a GS1 scan from a plain serial, before handing it to Odoo's GS1 nomenclature."""

import re
import string

FNC1 = "\x1d"
SYMBOLOGY_IDENTIFIERS = ("]C1", "]e0", "]d2", "]Q3", "]J1")
# A value may be empty: `(01)...(21)` is a GS1 barcode without its serial, not a serial.
_PARENTHESIZED_RE = re.compile(r"^(\(\d{2,4}\)[^()]*)+$")
_AI_RE = re.compile(r"\((\d{2,4})\)")


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
