"""What a serial label's barcode encodes, rendered by python-barcode (no Odoo import)."""

import importlib
import re

_NOT_PYTHON_BARCODE = (
    "stock_serial_tracking needs python-barcode (pip install python-barcode), whose "
    "import name is 'barcode'; the module 'barcode' found at {where} is another package "
    "(e.g. the PyPI package 'barcode'): uninstall it, then reinstall python-barcode.")


def _import_python_barcode():
    """python-barcode's `get` and writers, or an ImportError that names python-barcode.

    The import name `barcode` is also taken by other PyPI packages; whichever is
    installed last wins, and a bare `from barcode import get` failure would not say why.
    """
    try:
        module = importlib.import_module("barcode")
    except ImportError as error:
        raise ImportError("stock_serial_tracking needs python-barcode "
                          "(pip install python-barcode)") from error
    try:
        writer = importlib.import_module("barcode.writer")
        return module.get, writer.ImageWriter, writer.SVGWriter
    except (ImportError, AttributeError) as error:
        where = getattr(module, "__file__", None) or module.__name__
        raise ImportError(_NOT_PYTHON_BARCODE.format(where=where)) from error


get_barcode, ImageWriter, SVGWriter = _import_python_barcode()

# GS1 AI (21): up to 20 characters of GS1's character set 82 (Odoo's rule uses the same).
_GS1_SERIAL_RE = re.compile(r'^[!"%-/0-9:-?A-Z_a-z]{1,20}$')
_GTIN_RE = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")
RENDER_OPTIONS = {"write_text": False, "module_height": 9.0, "module_width": 0.25,
                  "quiet_zone": 2.5, "compress": False}
MIN_MODULE_MM, MAX_MODULE_MM = 0.15, 0.5


def label_barcode(serial, gtin=None):
    """(symbology, encoded data, human-readable text) for the label of `serial`.

    With a GTIN, and a serial GS1 allows in AI (21), a GS1-128 barcode carrying
    (01) GTIN + (21) serial; otherwise a Code 128 barcode of the serial itself.
    """
    gtin = (gtin or "").strip()
    if gtin and _GTIN_RE.match(gtin) and _GS1_SERIAL_RE.match(serial):
        gtin14 = gtin.zfill(14)
        return "gs1_128", f"01{gtin14}21{serial}", f"(01){gtin14}(21){serial}"
    return "code128", serial, serial


def fitted_options(symbology, data, width_mm, height_mm):
    """Render options that make the barcode fill `width_mm` by `height_mm` (bars and
    quiet zones): bars as wide as the label allows, within what printers and scanners
    read well (0.15 to 0.5 mm per module)."""
    modules = len(get_barcode(symbology, data).build()[0])
    quiet_zone = RENDER_OPTIONS["quiet_zone"]
    module_width = (width_mm - 2 * quiet_zone) / modules
    return {**RENDER_OPTIONS, "module_width": min(max(module_width, MIN_MODULE_MM), MAX_MODULE_MM),
            "module_height": height_mm}


def barcode_svg(symbology, data, width_mm=None, height_mm=None):
    """The barcode as an inline <svg> element (vector: crisp on any printer), sized to
    `width_mm` × `height_mm` when given."""
    options = (fitted_options(symbology, data, width_mm, height_mm) if width_mm
               else RENDER_OPTIONS)
    svg = get_barcode(symbology, data, writer=SVGWriter()).render(options).decode()
    return svg[svg.index("<svg"):]


def barcode_image(symbology, data):
    """The same barcode as a raster image (Pillow), e.g. to decode it back."""
    return get_barcode(symbology, data, writer=ImageWriter()).render(RENDER_OPTIONS)
