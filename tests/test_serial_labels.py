import re

import zxingcpp
from lxml import html as lxml_html

from odoo.tests import Form, tagged

from ..tools.labels import barcode_image, label_barcode
from .common import SerialCase

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

    def test_pdf_renders_with_wkhtmltopdf(self):
        action = Form.from_action(self.env, self.receipt.action_print_serial_labels()).save() \
            .action_print()
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
