from unittest.mock import patch

from odoo import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "serial_http")
class SerialTourCase(HttpCase):
    """Browser tours in headless Chromium (run by Odoo's test runner)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({
            "name": "Tour Laptop", "is_storable": True, "tracking": "serial",
            "barcode": "04012345000016", "next_expected_serial": "TL-00001"})

    def create_transfer(self, picking_type, source, destination, quantity, **values):
        """A confirmed transfer of `quantity` Tour Laptops (xml ids of type and locations)."""
        source, destination = self.env.ref(source), self.env.ref(destination)
        transfer = self.env["stock.picking"].create({
            "picking_type_id": self.env.ref(picking_type).id,
            "location_id": source.id, "location_dest_id": destination.id,
            "move_ids": [Command.create({
                "product_id": self.product.id, "product_uom_qty": quantity,
                "location_id": source.id, "location_dest_id": destination.id})],
            **values,
        })
        transfer.action_confirm()
        return transfer

    def create_receipt(self, quantity):
        return self.create_transfer(
            "stock.picking_type_in", "stock.stock_location_suppliers",
            "stock.stock_location_stock", quantity,
            partner_id=self.env["res.partner"].create({"name": "Tour Vendor"}).id)

    def create_delivery(self, quantity):
        return self.create_transfer(
            "stock.picking_type_out", "stock.stock_location_stock",
            "stock.stock_location_customers", quantity,
            partner_id=self.env["res.partner"].create({"name": "Tour Customer"}).id)

    def receive(self, quantity, serials):
        """Put `quantity` Tour Laptops with these serials (text) in stock."""
        receipt = self.create_receipt(quantity)
        receipt.move_ids.set_serials_from_text(serials)
        receipt.button_validate()

    def reserved_delivery(self, quantity):
        """TD-1 to TD-5 in stock and a delivery of `quantity`, which Odoo reserved."""
        self.receive(5, "TD-1-TD-5")
        delivery = self.create_delivery(quantity)
        delivery.action_assign()
        return delivery

    def test_receipt_serial_entry(self):
        receipt = self.create_receipt(9)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_entry_tour", login="admin", timeout=120)
        self.assertEqual(receipt.state, "done")
        self.assertEqual(sorted(receipt.move_line_ids.lot_id.mapped("name")),
                         ["1000", "1001", "1002", "1003", "1004", "111", "2000", "2001", "2002"])

    def test_missing_serials_error_opens_the_dialog(self):
        receipt = self.create_receipt(2)
        # The refused validation is logged by the server, as every UserError: expected.
        with mute_logger("odoo.http"):
            self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                            "stock_serial_missing_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")), ["MISS-1", "MISS-2"])

    def test_delivery_and_return(self):
        delivery = self.reserved_delivery(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_outgoing/{delivery.id}",
                        "stock_serial_delivery_tour", login="admin", timeout=180)
        lots = self.env["stock.lot"].search([("product_id", "=", self.product.id)])
        self.assertEqual({lot.name: lot.serial_status for lot in lots},
                         {"TD-1": "delivered", "TD-2": "in_stock", "TD-3": "in_stock",
                          "TD-4": "in_stock", "TD-5": "delivered"})

    def test_scanning_serials(self):
        receipt = self.create_receipt(2)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_scan_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")),
                         ["SCAN-0001", "SCAN-0002"])

    def test_receipt_defects(self):
        """Issue 11: what a new user met on a receipt, desktop."""
        self.check_receipt_defects()

    def test_receipt_defects_on_a_phone(self):
        """The same on a 390×844 touch screen (defects 9 and 10 were met there)."""
        self.browser_size, self.touch_enabled = "390x844", True
        self.check_receipt_defects()

    def check_receipt_defects(self):
        receipt = self.create_receipt(3)
        with mute_logger("odoo.http"):  # the refused validation, expected
            self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                            "stock_serial_receipt_defects_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")),
                         ["LBL-1", "LBL-2", "LBL-3"])
        self.assertEqual(self.product.next_expected_serial, "TL-00001",
                         "the suggested serials were replaced, not used")

    def test_scan_screen_receive_and_ship_on_a_phone(self):
        """Issue 11, done when: on a 390×844 touch screen, receive 5 units and ship 3 by
        scans alone (a keyboard-wedge scanner through Odoo's barcode service), each scan
        answered within a second."""
        self.browser_size, self.touch_enabled = "390x844", True
        receipt = self.create_receipt(5)
        delivery = self.create_delivery(3)
        self.start_tour("/odoo/scan-serials", "stock_serial_scan_phone_tour", login="admin",
                        timeout=180, step_delay=None)
        self.assertEqual((receipt.state, delivery.state), ("done", "done"))
        lots = self.env["stock.lot"].search([("product_id", "=", self.product.id)])
        self.assertEqual({lot.name: lot.serial_status for lot in lots},
                         {"PH-1": "in_stock", "PH-2": "delivered", "PH-3": "in_stock",
                          "PH-4": "delivered", "PH-5": "delivered"})

    def test_scan_screen_refusals_undo_and_backorder(self):
        """From the Inventory overview: GS1, an unknown serial, a duplicate, a serial of
        another product, a GS1 of another GTIN, undo, then validate with a backorder."""
        self.receive(4, "TS-1-TS-4")
        scope = self.env["product.product"].create({
            "name": "Tour Scope", "is_storable": True, "tracking": "serial"})
        self.env["stock.lot"].create({"name": "SC-1", "product_id": scope.id})
        delivery = self.create_delivery(3)
        self.start_tour("/odoo/action-stock.stock_picking_type_action",
                        "stock_serial_scan_refusals_tour", login="admin", timeout=180)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(sorted(delivery.move_line_ids.lot_id.mapped("name")), ["TS-2", "TS-4"])
        backorder = self.env["stock.picking"].search([("backorder_id", "=", delivery.id)])
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)

    def test_product_form_and_serial_list(self):
        """Issue 11, defects 3, 5 and 7 (product form, serial search)."""
        self.receive(3, "TS-1-TS-3")
        template = self.product.product_tmpl_id
        self.start_tour(f"/odoo/action-stock.product_template_action_product/{template.id}",
                        "stock_serial_product_and_list_tour", login="admin", timeout=120)
        fresh = self.env["product.template"].search([("name", "=", "Tour Fresh")])
        self.assertEqual((fresh.tracking, fresh.next_expected_serial), ("serial", "TF-00001"))

    def test_delivery_on_a_phone(self):
        """Issue 11, defects 8 and 2 on a 390×844 touch screen."""
        self.browser_size, self.touch_enabled = "390x844", True
        delivery = self.reserved_delivery(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_outgoing/{delivery.id}",
                        "stock_serial_phone_delivery_tour", login="admin", timeout=120)
        self.assertEqual(sorted(delivery.move_line_ids.lot_id.mapped("name")),
                         ["TD-1", "TD-4", "TD-5"])

    # -- Issue 20: what a new user still met, on the phone and in the dialogs -------------
    def on_a_phone(self):
        self.browser_size, self.touch_enabled = "390x844", True

    def scope_product(self):
        return self.env["product.product"].create({
            "name": "Tour Scope", "is_storable": True, "tracking": "serial",
            "barcode": "04012345000030"})

    def sms_question_on_validate(self):
        """A delivery whose validation Odoo answers with a question: stock_sms asks before
        the company's first SMS confirmation. It never asks while a test runs
        (`modules.module.current_test`), so that one condition is lifted here."""
        self.require_module("stock_sms")
        self.env.company.write({"stock_text_confirmation": True,
                                "stock_confirmation_type": "sms",
                                "has_received_warning_stock_sms": False})
        picking_class = type(self.env["stock.picking"])

        def warn_sms_in_tests(pickings):
            return pickings.filtered(lambda picking: (
                picking.company_id._get_text_validation("sms") and picking.partner_id.phone
                and picking.picking_type_code == "outgoing"
                and not picking.company_id.has_received_warning_stock_sms))
        delivery = self.reserved_delivery(1)
        delivery.partner_id.phone = "+32 470 00 00 00"
        return delivery, patch.object(picking_class, "_check_warn_sms", warn_sms_in_tests)

    def require_module(self, name):
        if not self.env["ir.module.module"].search_count(
                [("name", "=", name), ("state", "=", "installed")]):
            self.skipTest(f"needs {name} (not installed)")

    def test_scan_validate_answers_odoo_question_on_a_phone(self):
        """1: the question validate returns is shown; "validated" only once done."""
        self.on_a_phone()
        delivery, sms_question = self.sms_question_on_validate()
        with sms_question:
            self.start_tour("/odoo/scan-serials", "stock_serial_scan_validate_question_tour",
                            login="admin", timeout=120)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["TD-2"])

    def test_scan_validate_question_cancelled_on_a_phone(self):
        self.on_a_phone()
        delivery, sms_question = self.sms_question_on_validate()
        with sms_question:
            self.start_tour("/odoo/scan-serials", "stock_serial_scan_validate_cancel_tour",
                            login="admin", timeout=120)
        self.assertEqual(delivery.state, "assigned")

    def test_scan_two_products_partly_on_a_phone(self):
        """2: two products, both partly scanned, validated with a backorder."""
        self.on_a_phone()
        scope = self.scope_product()
        receipt = self.create_receipt(5)
        receipt.write({"move_ids": [Command.create({
            "product_id": scope.id, "product_uom_qty": 3,
            "location_id": receipt.location_id.id,
            "location_dest_id": receipt.location_dest_id.id})]})
        receipt.action_confirm()
        self.start_tour("/odoo/scan-serials", "stock_serial_scan_two_products_tour",
                        login="admin", timeout=120)
        self.assertEqual(receipt.state, "done")
        self.assertEqual({line.lot_id.name: line.product_id for line in receipt.move_line_ids},
                         {"LP-5001": self.product, "LP-5002": self.product, "OS-5001": scope})
        backorder = self.env["stock.picking"].search([("backorder_id", "=", receipt.id)])
        self.assertEqual(sorted(backorder.move_ids.mapped("product_uom_qty")), [2, 3])

    def test_scan_raw_gs1_on_a_phone(self):
        """3: GS1 without a symbology prefix is decoded; another product's GTIN refused."""
        self.on_a_phone()
        receipt = self.create_receipt(2)
        self.start_tour("/odoo/scan-serials", "stock_serial_scan_raw_gs1_tour",
                        login="admin", timeout=120)
        self.assertEqual(receipt.move_line_ids.mapped("lot_name"), ["LP-90001"])

    def test_short_span(self):
        """4: SN-1000-1009 is the span SN-1000 … SN-1009, and the preview says so."""
        receipt = self.create_receipt(20)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_short_span_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")),
                         [f"SN-{n}" for n in (*range(1000, 1010), *range(2000, 2010))])

    def test_selector_paste_replaces_odoo_reservation(self):
        """5: pasted serials replace the tentative ones, up to the units to ship."""
        delivery = self.reserved_delivery(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_outgoing/{delivery.id}",
                        "stock_serial_select_replaces_tour", login="admin", timeout=120)
        self.assertEqual(sorted(delivery.move_line_ids.lot_id.mapped("name")),
                         ["TD-1", "TD-4", "TD-5"])

    def test_scan_screen_survives_a_reload_on_a_phone(self):
        """6: the URL names the transfer; the undo history survives a reload."""
        self.on_a_phone()
        receipt = self.create_receipt(2)
        self.start_tour("/odoo/scan-serials", "stock_serial_scan_reload_tour",
                        login="admin", timeout=120)
        self.assertEqual(receipt.move_line_ids.mapped("lot_name"), ["RL-1"])

    def test_entry_errors_block_apply(self):
        """7: Apply waits while the preview lists errors; each position is said once."""
        receipt = self.create_receipt(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_entry_errors_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")), ["V-1", "V-2", "V-3"])

    def test_scan_refusal_wraps_on_a_phone(self):
        """7: a single scan's refusal has no position, and a long one wraps."""
        self.on_a_phone()
        self.product.serial_pattern = "PT-#####"
        receipt = self.create_receipt(2)
        self.start_tour("/odoo/scan-serials", "stock_serial_scan_refusal_wraps_tour",
                        login="admin", timeout=120)
        self.assertEqual(receipt.move_line_ids.mapped("lot_name"), ["PT-00001"])

    def test_click_then_paste(self):
        """8: clicking into the box keeps the suggestion selected: the paste replaces it;
        a 20-line paste leaves the preview in sight (1366×768)."""
        self.product.next_expected_serial = "MX-01001"
        receipt = self.create_receipt(20)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_click_then_paste_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")),
                         [f"MX-{n}" for n in range(2000, 2020)])
        self.assertEqual(self.product.next_expected_serial, "MX-01001",
                         "the suggestion was replaced, not used")

    def test_returned_serial_names_no_customer(self):
        """9: a serial returned to stock shows no customer on its form."""
        self.receive(2, "RT-1\nRT-2")
        delivery = self.create_delivery(1)
        delivery.move_ids.set_serials_from_text("RT-1")
        delivery.button_validate()
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_id=delivery.id, active_model="stock.picking"))
        wizard.serials_text = "RT-1"
        back = self.env["stock.picking"].browse(wizard.save().action_create_returns()["res_id"])
        back.button_validate()
        lot = self.env["stock.lot"].search([("name", "=", "RT-1")])
        self.assertEqual(lot.serial_status, "in_stock")
        self.start_tour(f"/odoo/action-stock.action_production_lot_form/{lot.id}",
                        "stock_serial_returned_form_tour", login="admin", timeout=120)

    def test_service_switch_refusal(self):
        """10: a serialized product with history switched to Service: the refusal on save
        says what cannot change, and why."""
        self.receive(1, "SV-1")
        template = self.product.product_tmpl_id
        with mute_logger("odoo.http"):  # the refused save, expected
            self.start_tour(f"/odoo/action-stock.product_template_action_product/{template.id}",
                            "stock_serial_service_switch_tour", login="admin", timeout=120)
        self.assertEqual((template.type, template.tracking), ("consu", "serial"))

    def test_hardware_scan_into_the_entry_box(self):
        """10: a scanner typing into the box (cursor in it) replaces the suggestion."""
        receipt = self.create_receipt(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_scan_into_box_tour", login="admin", timeout=120)
