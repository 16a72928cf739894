from odoo import Command
from odoo.tests import HttpCase, tagged
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
