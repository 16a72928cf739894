import re

from odoo.tests import Form, tagged

from ..tools.labels import barcode_svg
from .common import SerialCase


@tagged("post_install", "-at_install")
class TestWhatANewUserMeets(SerialCase):
    """Issue 11: the server side of the web-client defects (the tours show the rest)."""

    def test_a_returned_unit_is_in_stock_not_delivered(self):
        self.serial_product.warranty_months = 12
        self.receive(self.serial_product, "W1 W2")
        delivery = self.ship(self.serial_product, "W1")
        lot = self.env["stock.lot"].search([("name", "=", "W1")])
        self.assertEqual((lot.serial_status, lot.last_partner_id), ("delivered", self.customer))
        self.assertTrue(lot.under_warranty)
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_model="stock.picking"))
        wizard.serials_text = "W1"
        back = self.env["stock.picking"].browse(wizard.save().action_create_returns()["res_id"])
        back.button_validate()
        self.assertEqual(lot.serial_status, "in_stock")
        self.assertFalse(lot.last_partner_id, "no longer at the customer")
        self.assertFalse(lot.under_warranty, "the customer warranty restarts on delivery")

    def test_a_pasted_column_searches_each_serial(self):
        self.receive(self.serial_product, "PC-1 PC-2 PC-3")
        lots = self.env["stock.lot"].search([("serial_search", "ilike", "PC-1 PC-3")])
        self.assertEqual(sorted(lots.mapped("name")), ["PC-1", "PC-3"])

    def test_serialized_shows_its_tracking_before_saving_and_locks(self):
        template = self.env["product.template"].with_user(self.stock_manager).create(
            {"name": "Fresh", "is_storable": True})
        form = Form(template)
        self.assertFalse(form.serialized_locked)
        form.is_serialized = True
        self.assertEqual(form.tracking, "serial", "Track Inventory follows at once")
        form.save()
        self.assertFalse(self.serial_product.product_tmpl_id.serialized_locked)
        self.receive(self.serial_product, "LK-1")
        self.serial_product.product_tmpl_id.invalidate_recordset(["serialized_locked"])
        self.assertTrue(self.serial_product.product_tmpl_id.serialized_locked)

    def test_label_barcode_fills_the_label(self):
        svg = barcode_svg("code128", "LX-00005", 60, 17)
        width, height = (float(value) for value in
                         re.search(r'width="([\d.]+)mm" height="([\d.]+)mm"', svg).groups())
        self.assertGreater(width, 55)
        self.assertGreater(height, 16)
        self.receive(self.serial_product, "LB-1")
        action = self.serial_product.product_tmpl_id.action_print_serial_labels()
        report = Form.from_action(self.env, action).save().action_print()
        self.assertTrue(report["close_on_report_download"], "the dialog closes on Print")
