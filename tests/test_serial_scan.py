from odoo.tests import tagged

from .common import SerialCase


@tagged("post_install", "-at_install")
class TestSerialScanScreen(SerialCase):
    """The scanner screen's endpoints: the moves' rules, answered as data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_product.barcode = "04012345000016"

    def test_receipt_scans_write_at_once_and_refusals_change_nothing(self):
        receipt = self.create_receipt(self.serial_product, 3)
        move = receipt.move_ids
        answer = receipt.serial_scan("04012345000016")
        self.assertEqual((answer["ok"], answer["move_id"]), (True, move.id))
        self.assertTrue(receipt.serial_scan("R-1", move.id)["ok"])
        answer = receipt.serial_scan("(01)04012345000016(21)R-2")
        self.assertEqual(answer["message"], "R-2: Laptop 2/3")
        self.assertEqual(move.move_line_ids.mapped("lot_name"), ["R-1", "R-2"])
        self.assertTrue(all(move.move_line_ids.mapped("picked")))
        refused = receipt.serial_scan("R-1")
        self.assertEqual((refused["ok"], refused["message"]),
                         (False, "R-1 refused: already entered"))
        self.assertEqual(refused["transfer"]["lines"][0]["done"], 2)
        self.assertEqual(move.move_line_ids.mapped("lot_name"), ["R-1", "R-2"])

    def test_undo_and_validate_with_a_backorder(self):
        receipt = self.create_receipt(self.serial_product, 3)
        for serial in ("U-1", "U-2", "U-3"):
            receipt.serial_scan(serial)
        self.assertTrue(receipt.serial_scan_undo(receipt.move_ids.id, "U-3")["ok"])
        self.assertEqual(receipt.move_ids._scanned_serials(), ["U-1", "U-2"])
        question = receipt.serial_scan_validate()
        self.assertEqual(question["confirm"], "backorder")
        self.assertEqual(receipt.state, "assigned", "asked first, nothing validated")
        answer = receipt.serial_scan_validate(backorder=True)
        self.assertTrue(answer["done"])
        self.assertEqual(receipt.state, "done")
        backorder = self.env["stock.picking"].search([("backorder_id", "=", receipt.id)])
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.assertIn(backorder.name, answer["message"])

    def test_delivery_counts_scans_not_odoo_reservations(self):
        self.receive(self.serial_product, "D-1 D-2 D-3")
        delivery = self.create_delivery(self.serial_product, 2)
        self.assertEqual(delivery.serial_scan_state()["lines"][0]["done"], 0,
                         "what Odoo reserved is not scanned yet")
        self.assertFalse(delivery.serial_scan("NOPE")["ok"])
        self.assertTrue(delivery.serial_scan("D-3")["ok"])
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id.mapped("name"), ["D-3"])
        self.assertEqual(delivery.serial_scan_state()["lines"][0]["done"], 1)

    def test_transfers_and_actions(self):
        receipt = self.create_receipt(self.serial_product, 1)
        self.assertIn(receipt.id, [row["id"] for row in self.env["stock.picking"]
                                   .serial_scan_transfers(self.receipt_type.id)])
        self.assertEqual(self.env["stock.picking"].serial_scan_find_transfer(receipt.name),
                         {"ok": True, "picking_id": receipt.id})
        self.assertFalse(self.env["stock.picking"].serial_scan_find_transfer("X")["ok"])
        self.assertEqual(receipt.action_open_serial_scan()["params"], {"picking_id": receipt.id})
        self.assertEqual(self.receipt_type.action_open_serial_scan()["params"],
                         {"picking_type_id": self.receipt_type.id})
