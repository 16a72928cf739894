import re

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialCase
from .test_integrity import IntegrityCase


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


@tagged("post_install", "-at_install")
class TestSerialScanArguments(IntegrityCase):
    """What a scanner can send is answered, as data; what the screen never sends (a
    barcode that is not text, an id that is not one of the transfer's lines, several
    transfers or none) is raised as a UserError naming what was expected. Either way
    nothing changes."""

    NOT_TEXT = {5: "int: 5", None: "NoneType: None", True: "bool: True",
                1.5: "float: 1.5"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_product.barcode = "04012345000016"

    def setUp(self):
        super().setUp()
        self.receipt = self.create_receipt(self.serial_product, 3)
        self.move = self.receipt.move_ids
        self.receipt.serial_scan("S-1")

    def assertAnsweredAndUnchanged(self, message, operation):
        before = self.snapshot()
        answer = operation()
        self.assertEqual((answer["ok"], answer["message"]), (False, message))
        self.assertEqual(self.snapshot(), before, "the database is unchanged")
        return answer

    def assertRaisesNamingAndUnchanged(self, message, operation):
        self.assertRefusedAndUnchanged(UserError, f"^{re.escape(message)}$", operation)

    def test_values_that_are_not_text(self):
        pickings = self.env["stock.picking"]
        calls = {
            "serial_scan": ("barcode", self.receipt.serial_scan),
            "serial_scan_find_transfer": ("barcode", pickings.serial_scan_find_transfer),
            "serial_scan_undo": ("serial", lambda value: self.receipt.serial_scan_undo(
                self.move.id, value)),
            "find_serials": ("text", self.env["stock.lot"].find_serials),
        }
        values = {**self.NOT_TEXT, ("S-1",): "list: ['S-1']", (): "list: []"}
        for method, (argument, call) in calls.items():
            for value, got in values.items():
                # Tuples stand for lists (hashable keys): RPC sends lists.
                value = list(value) if isinstance(value, tuple) else value
                with self.subTest(method=method, value=value):
                    self.assertRaisesNamingAndUnchanged(
                        f"{method} expects a string for {argument}, got {got}.",
                        lambda call=call, value=value: call(value))
        self.assertRaisesNamingAndUnchanged(
            "serial_scan expects a string for barcode, got dict: {'S-2': 1}.",
            lambda: self.receipt.serial_scan({"S-2": 1}))

    def test_one_transfer_at_a_time(self):
        other = self.create_receipt(self.serial_product, 1)
        for pickings, count in ((self.receipt.browse(), 0), (self.receipt | other, 2)):
            calls = {
                "serial_scan": lambda pickings=pickings: pickings.serial_scan("S-2"),
                "serial_scan_state": pickings.serial_scan_state,
                "serial_scan_undo": lambda pickings=pickings: pickings.serial_scan_undo(
                    self.move.id, "S-1"),
                "serial_scan_validate": pickings.serial_scan_validate,
            }
            for method, call in calls.items():
                with self.subTest(method=method, count=count):
                    self.assertRaisesNamingAndUnchanged(
                        f"{method} works on one transfer at a time, got {count}.", call)

    def test_empty_scans_are_answered(self):
        for barcode in ("", "   ", "\x1d", "]C1", " ]d2\x1d"):
            with self.subTest(barcode=barcode):
                self.assertAnsweredAndUnchanged(
                    f"The scan {barcode!r} is empty: nothing was read.",
                    lambda barcode=barcode: self.receipt.serial_scan(barcode))
        self.assertAnsweredAndUnchanged(
            "The scan 'S\\x002' contains the control character U+0000.",
            lambda: self.receipt.serial_scan("S\x002"))
        self.assertEqual(self.move._scanned_serials(), ["S-1"])

    def test_gs1_scans_with_an_empty_serial_are_answered(self):
        for barcode in ("(01)04012345000016(21)", "(21)", "]C10104012345000016\x1d21",
                        "]C1010401234500001621", "\x1d010401234500001621"):
            with self.subTest(barcode=barcode):
                self.assertAnsweredAndUnchanged(
                    f"The scanned GS1 barcode {barcode!r} carries an empty serial number "
                    "(AI 21).", lambda barcode=barcode: self.receipt.serial_scan(barcode))
        # A leading FNC1 says GS1: the serial is AI (21), not the whole scan.
        self.assertEqual(self.receipt.serial_scan("\x1d010401234500001621S-2")["serial"], "S-2")
        self.assertEqual(self.move._scanned_serials(), ["S-1", "S-2"])

    def test_lines_of_another_transfer_are_not_touched(self):
        other = self.create_receipt(self.serial_product, 1)
        other.serial_scan("OTHER-1")
        for move_id in (other.move_ids.id, 999_999_999):
            with self.subTest(move_id=move_id):
                self.assertRaisesNamingAndUnchanged(
                    f"serial_scan_undo: the move {move_id} is not on {self.receipt.name}; "
                    "only the transfer's own lines can change.",
                    lambda move_id=move_id: self.receipt.serial_scan_undo(move_id, "OTHER-1"))
                self.assertRaisesNamingAndUnchanged(
                    f"serial_scan: the move {move_id} is not on {self.receipt.name}; "
                    "only the transfer's own lines can change.",
                    lambda move_id=move_id: self.receipt.serial_scan("S-2", move_id))
        self.assertEqual(other.move_ids._scanned_serials(), ["OTHER-1"])
        for value, got in {"5": "str: '5'", None: "NoneType: None", True: "bool: True",
                           1.5: "float: 1.5"}.items():
            with self.subTest(value=value):
                self.assertRaisesNamingAndUnchanged(
                    f"serial_scan_undo expects a record id (an integer) for move_id, got {got}.",
                    lambda value=value: self.receipt.serial_scan_undo(value, "S-1"))
        self.assertRaisesNamingAndUnchanged(
            "serial_scan expects a record id (an integer) or false for move_id, got "
            "list: [1, 2].", lambda: self.receipt.serial_scan("S-2", [1, 2]))

    def test_undo_of_a_serial_not_on_the_line(self):
        self.assertAnsweredAndUnchanged(
            "'NEVER' is not on the line of Laptop: nothing was taken off.",
            lambda: self.receipt.serial_scan_undo(self.move.id, "NEVER"))
        self.assertEqual(self.move._scanned_serials(), ["S-1"])
        answer = self.receipt.serial_scan_undo(self.move.id, "S-1")
        self.assertEqual((answer["ok"], answer["message"]), (True, "S-1 taken off"))

    def test_done_and_cancelled_transfers_are_not_validated(self):
        self.receipt.serial_scan_validate(backorder=True)
        self.assertEqual(self.receipt.state, "done")
        self.assertAnsweredAndUnchanged(
            f"{self.receipt.name} is already done: there is nothing left to validate.",
            self.receipt.serial_scan_validate)
        cancelled = self.create_receipt(self.serial_product, 1)
        cancelled.action_cancel()
        self.assertAnsweredAndUnchanged(
            f"{cancelled.name} is cancelled: it cannot be validated.",
            cancelled.serial_scan_validate)
        self.assertRaisesNamingAndUnchanged(
            "serial_scan_validate expects true or false for backorder, got str: 'yes'.",
            lambda: cancelled.serial_scan_validate("yes"))

    def test_transfer_list_and_transfer_scans(self):
        pickings = self.env["stock.picking"]
        self.assertRaisesNamingAndUnchanged(
            "serial_scan_transfers expects a record id (an integer) or false for "
            "picking_type_id, got dict: {'id': 1}.",
            lambda: pickings.serial_scan_transfers({"id": 1}))
        self.assertIn(self.receipt.id, [row["id"] for row in pickings.serial_scan_transfers(None)])
        self.assertAnsweredAndUnchanged(
            f"The scan {self.receipt.name + chr(0)!r} contains the control character U+0000.",
            lambda: pickings.serial_scan_find_transfer(self.receipt.name + "\x00"))
        self.assertAnsweredAndUnchanged(
            "The scan ' ' is empty: nothing was read.",
            lambda: pickings.serial_scan_find_transfer(" "))
