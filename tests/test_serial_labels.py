import importlib.util
import re
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from lxml import html as lxml_html

from odoo.addons.base.models import ir_actions_report
from odoo.service import server as odoo_server
from odoo.tests import BaseCase, Form, HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import labels
from ..tools.labels import barcode_image, label_barcode
from .common import SerialCase, require_module

# Seconds wkhtmltopdf may take for the labels: a stuck asset request fails the test
# instead of hanging the run.
WKHTMLTOPDF_TIMEOUT = 120


def _run_wkhtmltopdf_bounded(args):
    """Odoo's wkhtmltopdf call, with a time limit."""
    return subprocess.run([ir_actions_report._wkhtml().bin, *args], capture_output=True,
                          encoding="utf-8", check=False, timeout=WKHTMLTOPDF_TIMEOUT)


def _test_server_url():
    """The HTTP server of Odoo's test runner, if one runs in this process."""
    server = odoo_server.server
    return HttpCase.base_url() if server is not None and server.httpd else None


def _refusing_url():
    """An http:// address on which nothing listens: requests to it fail at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

TRICKY = ["00042", "sn-0007-x", "AB-12-cd", "<script>alert(1)</script>"]


@tagged("post_install", "-at_install")
class TestSerialLabels(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_product.write({"default_code": "LP-14", "barcode": "04012345000016"})
        cls.receipt = cls.receive(cls.serial_product, "\n".join(TRICKY))

    def print_labels(self, action, **options):
        wizard = Form.from_action(self.env, action)
        for name, value in options.items():
            setattr(wizard, name, value)
        report_action = wizard.save().action_print()
        report = self.env["ir.actions.report"]._get_report(report_action["report_name"])
        html, _kind = report.with_context(**report_action.get("context", {}))._render_qweb_html(
            report_action["report_name"], [], data=report_action["data"])
        return html.decode()

    def decoded_labels(self, html):
        """Every barcode on the page, rendered again as a raster and read by zxing-cpp."""
        labels = lxml_html.fromstring(html).xpath("//div[@data-barcode-value]")
        self.assertTrue(labels)
        zxingcpp = require_module(self, "zxingcpp")
        decoded = []
        for label in labels:
            image = barcode_image(label.get("data-barcode-symbology"),
                                  label.get("data-barcode-value"))
            [result] = zxingcpp.read_barcodes(image)
            decoded.append(result.text)
            self.assertIn("<svg", lxml_html.tostring(label).decode())
        return decoded

    def test_labels_from_a_receipt_decode_back_to_each_serial(self):
        html = self.print_labels(self.receipt.action_print_serial_labels())
        self.assertEqual(sorted(self.decoded_labels(html)), sorted(TRICKY))
        self.assertIn("LP-14", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertNotIn("<script>alert(1)", html)

    def test_labels_before_validation_use_the_entered_serials(self):
        receipt = self.create_receipt(self.serial_product, 2)
        receipt.move_ids.set_serials_from_text("NEW-1, NEW-2")
        html = self.print_labels(receipt.action_print_serial_labels())
        self.assertEqual(sorted(self.decoded_labels(html)), ["NEW-1", "NEW-2"])

    def test_gs1_option_carries_gtin_and_serial(self):
        html = self.print_labels(self.receipt.action_print_serial_labels(), use_gs1=True,
                                 copies=2)
        decoded = self.decoded_labels(html)
        self.assertEqual(len(decoded), 2 * len(TRICKY))
        self.assertIn("(01)04012345000016(21)00042", decoded)
        self.assertIn("(01)04012345000016(21)sn-0007-x", decoded)
        # Not every serial fits GS1's AI (21) character set: that one stays Code 128.
        self.assertIn("<script>alert(1)</script>", decoded)

    def test_labels_from_selected_serials_and_from_the_product(self):
        lots = self.env["stock.lot"].search([("name", "in", ["00042", "AB-12-cd"])])
        html = self.print_labels(lots.action_print_serial_labels(), layout="roll")
        self.assertEqual(sorted(self.decoded_labels(html)), ["00042", "AB-12-cd"])
        self.assertIn("o_serial_label_roll", html)
        html = self.print_labels(self.serial_product.product_tmpl_id.action_print_serial_labels())
        self.assertEqual(len(self.decoded_labels(html)), len(TRICKY))

    @contextmanager
    def pdf_rendering(self):
        """Let wkhtmltopdf run, bounded in time, fetching the report's assets only from the
        test server of Odoo's runner: under pytest-odoo no server runs, and wkhtmltopdf
        must not wait on, or read from, whatever else listens on the configured address.
        """
        params = self.env["ir.config_parameter"].sudo()
        with patch.object(ir_actions_report, "_run_wkhtmltopdf", _run_wkhtmltopdf_bounded):
            if server_url := _test_server_url():
                params.set_param("report.url", server_url)
                with self.allow_pdf_render():
                    yield
            else:
                params.set_param("report.url", _refusing_url())
                # Each asset it cannot load is logged as a warning: expected here.
                with mute_logger("odoo.addons.base.models.ir_actions_report"):
                    yield

    def test_pdf_renders_with_wkhtmltopdf(self):
        action = Form.from_action(self.env, self.receipt.action_print_serial_labels()).save() \
            .action_print()
        with self.pdf_rendering():
            pdf, kind = self.env["ir.actions.report"].with_context(
                force_report_rendering=True)._render_qweb_pdf(
                action["report_name"], [], data=action["data"])
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreaterEqual(len(re.findall(rb"/Type\s*/Page\b", pdf)), 1)

    def test_label_barcode_choice(self):
        self.assertEqual(label_barcode("X1"), ("code128", "X1", "X1"))
        self.assertEqual(label_barcode("X1", "4012345000016")[0], "gs1_128")
        self.assertEqual(label_barcode("X" * 21, "04012345000016")[0], "code128")
        self.assertEqual(label_barcode("X1", "not-a-gtin")[0], "code128")


@tagged("post_install", "-at_install")
class TestPythonBarcodeShadowed(BaseCase):
    """Another package installed under the import name `barcode` (the PyPI package
    `barcode`) makes the addon fail to load with an error that names python-barcode."""

    def test_import_error_names_python_barcode(self):
        with tempfile.TemporaryDirectory() as folder:
            impostor = Path(folder, "barcode")
            impostor.mkdir()
            (impostor / "__init__.py").write_text("VERSION = '1.0'\n")
            spec = importlib.util.spec_from_file_location("labels_under_test", labels.__file__)
            with self.barcode_modules_unloaded(), \
                    patch.object(sys, "path", [folder, *sys.path]), \
                    self.assertRaises(ImportError) as caught:
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
        message = str(caught.exception)
        self.assertIn("needs python-barcode", message)
        self.assertIn(str(impostor / "__init__.py"), message)

    @contextmanager
    def barcode_modules_unloaded(self):
        """Forget the imported `barcode` modules for the block, then put python-barcode's
        back (only those entries of sys.modules change: server threads may import)."""
        def barcode_modules():
            return {name: module for name, module in sys.modules.items()
                    if name == "barcode" or name.startswith("barcode.")}
        loaded = barcode_modules()
        try:
            for name in loaded:
                del sys.modules[name]
            yield
        finally:
            for name in barcode_modules():
                del sys.modules[name]
            sys.modules.update(loaded)
