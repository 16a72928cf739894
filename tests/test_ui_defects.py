import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
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


@tagged("post_install", "-at_install")
class TestWhatANewUserStillMeets(SerialCase):
    """Issue 20: the server side of what the tours show (test_tours.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_product.barcode = "04012345000016"
        cls.scope = cls.env["product.product"].create({
            "name": "Scope", "is_storable": True, "tracking": "serial",
            "barcode": "04012345000030"})

    def two_product_receipt(self):
        receipt = self.create_receipt(self.serial_product, 5)
        receipt.write({"move_ids": [Command.create({
            "product_id": self.scope.id, "product_uom_qty": 3,
            "location_id": self.supplier_location.id,
            "location_dest_id": self.stock_location.id})]})
        receipt.action_confirm()
        return receipt

    def test_interleaved_lines_of_two_products_get_their_own_lots(self):
        """2: lines created product by product (LP, OS, LP) are validated set-wise."""
        receipt = self.two_product_receipt()
        laptop, scope = receipt.move_ids
        for serial, move in (("LP-1", laptop), ("OS-1", scope), ("LP-2", laptop)):
            self.assertTrue(receipt.serial_scan(serial, move.id)["ok"])
        answer = receipt.serial_scan_validate(backorder=True)
        self.assertTrue(answer["done"], answer["message"])
        self.assertEqual({line.lot_id.name: line.lot_id.product_id
                          for line in receipt.move_line_ids},
                         {"LP-1": self.serial_product, "LP-2": self.serial_product,
                          "OS-1": self.scope})

    def test_raw_gs1_scans_are_decoded_and_checked(self):
        """3: AI (01) with a valid GTIN, sent without ]C1 or FNC1, is GS1."""
        receipt = self.create_receipt(self.serial_product, 2)
        answer = receipt.serial_scan("010401234500001621LP-90001")
        self.assertEqual((answer["ok"], answer["serial"]), (True, "LP-90001"))
        refused = receipt.serial_scan("010401234500003021LP-90002")
        self.assertFalse(refused["ok"])
        self.assertIn("GTIN 04012345000030", refused["message"])
        # A wrong check digit, or no serial in it: a plain serial, as typed.
        self.assertEqual(receipt.serial_scan("010401234500001721LP-3")["serial"],
                         "010401234500001721LP-3")
        self.assertEqual(receipt.move_line_ids.mapped("lot_name"),
                         ["LP-90001", "010401234500001721LP-3"])
        # The same in the receipt dialog.
        entry = Form(self.env["stock.serial.entry"].with_context(
            default_move_id=self.create_receipt(self.serial_product, 1).move_ids.id)).save()
        entry.on_barcode_scanned("010401234500001621LP-90004")
        self.assertEqual(entry.serials_text, "LP-90004")
        entry.on_barcode_scanned("010401234500003021LP-90005")
        self.assertIn("GTIN 04012345000030", entry.scan_feedback["message"])

    def test_short_span_reading_is_said(self):
        """4: SN-1000-1009 is a span; the product's serial pattern may keep it whole."""
        move = self.create_receipt(self.serial_product, 20).move_ids
        check = move._check_serial_entry("SN-1000-1009\nSN-2000-SN-2009")
        self.assertEqual(len(check.serials), 20)
        self.assertIn("read as the span SN-1000 … SN-1009", check.warnings[0][1])
        check = move._check_serial_entry("SN-1000-09", check_quantity=False)
        self.assertEqual(check.serials, ["SN-1000-09"])
        self.assertIn("kept as one serial; for the span SN-1000 … SN-1009, write "
                      "SN-1000-SN-1009", check.warnings[0][1])
        self.serial_product.serial_pattern = "SN-####-####"
        check = move._check_serial_entry("SN-1000-1009", check_quantity=False)
        self.assertEqual(check.serials, ["SN-1000-1009"])
        self.assertIn("kept as one serial", check.warnings[0][1])

    def test_selector_paste_replaces_tentative_serials(self):
        """5: up to the units to ship; firm choices stay."""
        self.receive(self.serial_product, "S-1 S-2 S-3 S-4 S-5")
        delivery = self.create_delivery(self.serial_product, 3)
        form = Form(self.env["stock.serial.select"].with_context(
            default_move_id=delivery.move_ids.id))
        self.assertEqual(form.selected_count, 3)
        form.serials_text = "S-4\nS-5"
        self.assertEqual(form.selected_count, 3)
        form.save().action_apply()
        self.assertEqual(sorted(delivery.move_line_ids.lot_id.mapped("name")),
                         ["S-1", "S-4", "S-5"])

    def test_scan_refusal_names_no_position(self):
        """7: one scan's refusal is about the scan, not its place in a text."""
        self.serial_product.serial_pattern = "PT-#####"
        receipt = self.create_receipt(self.serial_product, 3)
        receipt.serial_scan("PT-00001")
        refused = receipt.serial_scan("BAD")
        self.assertEqual(refused["message"],
                         "BAD refused: 'BAD' does not match the product's serial pattern")

    def test_scan_validate_says_validated_only_when_done(self):
        """1: an action returned by validate comes back to the screen, not "validated"."""
        self.receive(self.serial_product, "Q-1")
        delivery = self.create_delivery(self.serial_product, 1)
        delivery.serial_scan("Q-1")
        question = {"type": "ir.actions.act_window", "res_model": "confirm.stock.sms"}
        picking_class = type(self.env["stock.picking"])
        with patch.object(picking_class, "_pre_action_done_hook", lambda pickings: question):
            answer = delivery.serial_scan_validate()
        self.assertEqual((answer["ok"], answer["done"], answer["action"]),
                         (None, False, question))
        self.assertNotIn("validated.", answer["message"])
        after = delivery.serial_scan_after_question()
        self.assertEqual((after["ok"], after["done"]), (False, False))
        self.assertIn("was not validated", after["message"])
        answer = delivery.serial_scan_validate()
        self.assertEqual((answer["ok"], answer["done"]), (True, True))
        self.assertEqual(delivery.serial_scan_after_question()["message"],
                         f"{delivery.name} validated.")

    def test_type_switch_refusal_names_the_change(self):
        """10: the refusal on save says what cannot change."""
        self.receive(self.serial_product, "SV-1")
        template = self.serial_product.product_tmpl_id
        with self.assertRaisesRegex(UserError, "Laptop cannot become a service: it is tracked "
                                               "by serial number and already has 1 stock move"):
            template.type = "service"
        with self.assertRaisesRegex(UserError, "Laptop cannot stop tracking its inventory"):
            template.is_storable = False
        with self.assertRaisesRegex(UserError, "The Serialized flag of Laptop cannot be changed"):
            template.is_serialized = False
