from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "serial_http")
class SerialTourCase(HttpCase):
    """Browser tours in headless Chromium (run by Odoo's test runner)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({
            "name": "Tour Laptop", "is_storable": True, "tracking": "serial",
            "barcode": "04012345000016", "next_expected_serial": "TL-00001"})

    def create_receipt(self, quantity):
        stock = self.env.ref("stock.stock_location_stock")
        supplier = self.env.ref("stock.stock_location_suppliers")
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.env.ref("stock.picking_type_in").id,
            "location_id": supplier.id, "location_dest_id": stock.id,
            "move_ids": [Command.create({
                "product_id": self.product.id, "product_uom_qty": quantity,
                "location_id": supplier.id, "location_dest_id": stock.id})],
        })
        receipt.action_confirm()
        return receipt

    def test_receipt_serial_entry(self):
        receipt = self.create_receipt(9)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_entry_tour", login="admin", timeout=120)
        self.assertEqual(receipt.state, "done")
        self.assertEqual(sorted(receipt.move_line_ids.lot_id.mapped("name")),
                         ["1000", "1001", "1002", "1003", "1004", "111", "2000", "2001", "2002"])

    def test_delivery_and_return(self):
        receipt = self.create_receipt(5)
        receipt.move_ids.set_serials_from_text("TD-1-TD-5")
        receipt.button_validate()
        stock = self.env.ref("stock.stock_location_stock")
        customers = self.env.ref("stock.stock_location_customers")
        delivery = self.env["stock.picking"].create({
            "picking_type_id": self.env.ref("stock.picking_type_out").id,
            "partner_id": self.env["res.partner"].create({"name": "Tour Customer"}).id,
            "location_id": stock.id, "location_dest_id": customers.id,
            "move_ids": [Command.create({
                "product_id": self.product.id, "product_uom_qty": 3,
                "location_id": stock.id, "location_dest_id": customers.id})],
        })
        delivery.action_confirm()
        delivery.action_assign()
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
        receipt = self.create_receipt(3)
        self.start_tour(f"/odoo/action-stock.action_picking_tree_incoming/{receipt.id}",
                        "stock_serial_receipt_defects_tour", login="admin", timeout=120)
        self.assertEqual(sorted(receipt.move_line_ids.mapped("lot_name")),
                         ["LBL-1", "LBL-2", "LBL-3"])
        self.assertEqual(self.product.next_expected_serial, "TL-00001",
                         "the suggested serials were replaced, not used")
