import re
import threading
import time

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SerialCase, committed_env


@tagged("post_install", "-at_install")
class TestReceiptSerials(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt = cls.create_receipt(cls.serial_product, 10)
        cls.move = cls.receipt.move_ids

    def serials_of(self, move):
        return sorted(line.lot_id.name or line.lot_name for line in move.move_line_ids)

    def assertRefused(self, text, *fragments, spans=True):
        """The entry is refused with a message naming the problem, and nothing changes."""
        lines_before = self.move.move_line_ids
        with self.assertRaises(UserError) as caught:
            self.move.set_serials_from_text(text, spans=spans)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertEqual(self.move.move_line_ids, lines_before)
        return caught.exception

    def test_text_with_separators_and_spans_sets_one_line_per_serial(self):
        count = self.move.set_serials_from_text("1000-1004, 2000;2001\n2002")
        self.assertEqual(count, 8)
        self.assertEqual(self.serials_of(self.move),
                         ["1000", "1001", "1002", "1003", "1004", "2000", "2001", "2002"])
        self.assertEqual(set(self.move.move_line_ids.mapped("quantity")), {1})
        self.assertEqual(self.move.serial_progress, "8/10")
        self.assertTrue(self.receipt.serials_missing)

    def test_lines_odoo_split_per_unit_get_their_serials_in_a_few_queries(self):
        """A receipt from a purchase order comes with a line per unit: naming them costs
        the same number of queries for 20 units as for 60, not a query per line (as the
        user who receives: record rules apply)."""
        counts = []
        for units in (20, 60):
            receipt = self.create_receipt(self.serial_product, units)
            receipt.action_assign()
            move = receipt.move_ids.with_user(self.stock_user)
            self.assertEqual(len(move.move_line_ids), units)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            move.set_serials_from_text(
                "\n".join(f"SPLIT-{units}-{n}" for n in range(units)))
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(receipt.move_line_ids), units)
            self.assertEqual(receipt.move_line_ids.mapped("lot_name"),
                             [f"SPLIT-{units}-{n}" for n in range(units)])
        self.assertLess(counts[1] - counts[0], 10, counts)

    def test_confirming_a_receipt_makes_a_line_per_unit(self):
        """Confirming a receipt, Odoo makes a line per serialized unit (whose serial is
        entered later), beside one line for a plain product; the addon makes the unit
        lines in one insert, as the user who receives (access rights apply)."""
        receipt = self.create_receipt(self.serial_product, 30, confirm=False)
        receipt.move_ids = [Command.create({
            "product_id": self.plain_product.id, "product_uom_qty": 5,
            "location_id": self.supplier_location.id,
            "location_dest_id": self.stock_location.id})]
        receipt.with_user(self.stock_user).action_confirm()
        serial_move = receipt.move_ids.filtered(lambda move: move.has_tracking == "serial")
        self.assertEqual(serial_move.move_line_ids.mapped("quantity"), [1] * 30)
        self.assertEqual((receipt.move_ids - serial_move).move_line_ids.quantity, 5)
        self.assertEqual(set(receipt.move_line_ids.mapped("state")), {"assigned"})
        self.assertEqual(set(receipt.move_line_ids.mapped("create_uid")), {self.stock_user})
        self.assertFalse(any(receipt.move_line_ids.mapped("serial_chosen")))
        serial_move.set_serials_from_text("RC-1-RC-30")
        self.assertEqual(len(serial_move.move_line_ids), 30)  # the same lines, named

    def test_entering_again_replaces_the_serials(self):
        self.move.set_serials_from_text("A1, A2")
        self.move.set_serials_from_text("B1")
        self.assertEqual(self.serials_of(self.move), ["B1"])

    def test_validation_needs_every_serial(self):
        # A UserError, which is what Odoo's callers (Point of Sale, batch transfers) catch.
        with self.assertRaises(UserError) as caught:
            self.receipt.button_validate()
        self.assertIn(f"{self.serial_product.display_name}: 10 of 10 units without a serial",
                      caught.exception.args[0])
        self.assertEqual(caught.exception.move_id, self.move.id, "the move to open the dialog on")
        # Every transport words the error from its arguments: the message alone.
        self.assertEqual(caught.exception.args, (str(caught.exception),))
        self.assertEqual(caught.exception.context, {"serial_move_id": self.move.id})
        self.assertNotEqual(self.receipt.state, "done")

    def test_line_without_a_move_is_named_too(self):
        """A line of the transfer without a move (Odoo's "clear" of a move's lines detaches
        them; validation makes them a move) is counted under its product and transfer,
        with no move to open the dialog on."""
        self.move.set_serials_from_text("SN-1-SN-10")
        self.env["stock.move.line"].create({
            "picking_id": self.receipt.id, "product_id": self.serial_product.id,
            "product_uom_id": self.serial_product.uom_id.id, "quantity": 2,
            "location_id": self.move.location_id.id,
            "location_dest_id": self.move.location_dest_id.id}).move_id = False
        with self.assertRaises(UserError) as caught:
            self.receipt.button_validate()
        self.assertIn(f"{self.serial_product.display_name}: 2 units without a serial "
                      f"({self.receipt.name})", caught.exception.args[0])
        self.assertFalse(caught.exception.move_id)
        self.assertNotEqual(self.receipt.state, "done")

    def test_rule_holds_without_the_form(self):
        """Code that skips button_validate's checks meets the same rule in _action_done."""
        self.move.picked = True
        with self.assertRaisesRegex(UserError, "10 of 10 units without a serial"):
            self.receipt.with_context(skip_sanity_check=True)._action_done()

    def test_full_receipt_creates_the_serials(self):
        self.move.set_serials_from_text("SN-1-SN-10")
        self.receipt.button_validate()
        self.assertEqual(self.receipt.state, "done")
        lots = self.env["stock.lot"].search([("product_id", "=", self.serial_product.id)])
        self.assertEqual(len(lots), 10)
        self.assertEqual(self.serial_product.qty_available, 10)

    def test_partial_receipt_leaves_a_backorder(self):
        self.move.set_serials_from_text("P1, P2, P3")
        action = self.receipt.button_validate()
        Form.from_action(self.env, action).save().process()
        self.assertEqual(self.receipt.state, "done")
        backorder = self.env["stock.picking"].search([("backorder_id", "=", self.receipt.id)])
        self.assertEqual(backorder.move_ids.product_uom_qty, 7)
        self.assertTrue(backorder.serials_missing)

    def test_a_serial_in_stock_is_refused_at_entry_and_at_validation(self):
        self.move.set_serials_from_text("D1, D2")
        self.receipt.move_ids.picked = True
        self.receipt.with_context(cancel_backorder=True)._action_done()
        second = self.create_receipt(self.serial_product, 2)
        with self.assertRaisesRegex(UserError, "D2: already in stock at WH/Stock"):
            second.move_ids.set_serials_from_text("D2, D3")
        # A client that writes the lines itself meets the rule at validation.
        second.move_ids.move_line_ids.unlink()
        self.env["stock.move.line"].create([{
            "move_id": second.move_ids.id, "picking_id": second.id,
            "product_id": self.serial_product.id, "quantity": 1, "lot_name": name,
            "location_id": self.supplier_location.id, "location_dest_id": self.stock_location.id,
        } for name in ("D2", "D3")])
        with self.assertRaisesRegex(UserError, r"D2 \(Laptop\) is already in stock at WH/Stock"):
            second.button_validate()
        self.assertNotEqual(second.state, "done")

    def test_a_serial_on_another_open_receipt_is_refused(self):
        self.move.set_serials_from_text("O1")
        other = self.create_receipt(self.serial_product, 1)
        with self.assertRaisesRegex(
                UserError, f"O1: already entered on the open receipt {self.receipt.name}"):
            other.move_ids.set_serials_from_text("O1")

    def test_one_unit_per_serial(self):
        self.move.set_serials_from_text("Q1")
        self.move.move_line_ids.quantity = 2
        self.move.picked = True
        with self.assertRaisesRegex(UserError, "Q1 of Laptop is on 2.0 units"):
            self.receipt.with_context(skip_sanity_check=True, cancel_backorder=True)._action_done()

    def test_bad_input_is_refused_naming_the_token(self):
        self.env["ir.config_parameter"].set_param(
            "stock_serial_tracking.max_serials_per_entry", "100")
        cases = [
            ("", ["no serial number was entered"]),
            (" ,;\n\t ", ["no serial number was entered"]),
            ("1-1000", ["'1-1000'", "the span holds 1000 serials", "limit of 100"]),
            ("1-90, A1-A20", ["'A1-A20'", "limit of 100"]),
            ("Z" * 65, ["'" + "Z" * 65 + "'", "longer than 64 characters"]),
            ("OK, BAD\x00", ["'BAD\\x00'", "control character U+0000", "line 1, column 5"]),
            ("A1, A2, A1", ["A1 is entered twice: on line 1 and on line 1, column 9"]),
            ("1-11", ["11 serials for 10 units"]),
        ]
        for text, fragments in cases:
            with self.subTest(text=text):
                self.assertRefused(text, *fragments)

    def test_full_width_and_markup(self):
        self.move.set_serials_from_text("ＳＮ１２, <b>x</b>")
        self.assertEqual(self.serials_of(self.move), ["<b>x</b>", "SN12"])

    def test_serial_pattern(self):
        self.serial_product.serial_pattern = "SN-#####"
        self.assertRefused("SN-00001, SN-1", "'SN-1' does not match the product's serial pattern")
        self.move.set_serials_from_text("SN-00001")
        with self.assertRaisesRegex(Exception, "not a valid regular expression"):
            self.serial_product.serial_pattern = "/[/"

    def test_operation_type_that_only_uses_existing_serials(self):
        self.receipt_type.write({"use_create_lots": False, "use_existing_lots": True})
        self.env["stock.lot"].create({"name": "KNOWN", "product_id": self.serial_product.id})
        self.assertRefused("KNOWN, NEW", "NEW: unknown serial")
        self.move.set_serials_from_text("KNOWN")
        self.assertEqual(self.move.move_line_ids.lot_id.name, "KNOWN")

    def test_serials_of_another_company_do_not_conflict(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_stock = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)]).lot_stock_id
        lot = self.env["stock.lot"].create({"name": "SHARED", "product_id": self.serial_product.id,
                                            "company_id": other_company.id})
        self.env["stock.quant"].with_company(other_company)._update_available_quantity(
            self.serial_product, other_stock, 1, lot_id=lot)
        self.move.set_serials_from_text("SHARED")
        self.assertEqual(self.serials_of(self.move), ["SHARED"])
        self.assertFalse(self.move.move_line_ids.lot_id, "company A gets its own lot")


@tagged("post_install", "-at_install")
class TestSerialEntryWizard(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt = cls.create_receipt(cls.serial_product, 5)
        cls.move = cls.receipt.move_ids

    def open_wizard(self, user=None):
        action = self.move.with_user(user or self.env.user).action_open_serial_entry()
        return Form(self.env[action["res_model"]].with_user(user or self.env.user)
                    .with_context(**action["context"]))

    def test_opens_prefilled_from_next_serial_without_reserving(self):
        wizard = self.open_wizard()
        self.assertEqual(wizard.serials_text.split(), [f"SN-0000{n}" for n in range(1, 6)])
        self.assertEqual(wizard.serial_count, 5)
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00001",
                         "opening (or cancelling) the dialog reserves nothing")
        wizard.save().action_apply()
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00006")
        self.assertEqual(self.move.serial_progress, "5/5")
        self.assertFalse(self.receipt.serials_missing)

    def test_preview_counts_and_flags_before_anything_is_written(self):
        wizard = self.open_wizard()
        wizard.serials_text = "1000-1002, 1l1"
        self.assertEqual(wizard.serial_count, 4)
        self.assertEqual(wizard.error_count, 0)
        self.assertEqual(wizard.warning_count, 1)
        self.assertIn("looks like 111", wizard.preview_html)
        self.assertIn("span of 3 serials", wizard.preview_html)
        wizard.serials_text = "<script>alert(1)</script>, X, X"
        self.assertEqual(wizard.error_count, 1)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", wizard.preview_html)
        self.assertNotIn("<script>", wizard.preview_html)
        self.assertFalse(any(self.move.move_line_ids.mapped("lot_name")))

    def test_span_switch(self):
        wizard = self.open_wizard()
        wizard.serials_text = "2024-0001"
        self.assertIn("a span must increase", wizard.preview_html)
        wizard.serials_text = "1-3"
        wizard.treat_spans = False
        self.assertEqual(wizard.serial_count, 1)

    def test_apply_with_errors_changes_nothing(self):
        wizard = self.open_wizard()
        wizard.serials_text = "A, A"
        record = wizard.save()
        with self.assertRaisesRegex(UserError, r"A is entered twice: on line 1 and on line 1, co"):
            record.action_apply()
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00001")

    def test_generate_fills_the_missing_units_only(self):
        wizard = self.open_wizard()
        wizard.serials_text = "OWN-1, OWN-2"
        record = wizard.save()
        record.action_generate()
        self.assertEqual(record.serials_text.split(),
                         ["OWN-1,", "OWN-2", "SN-00001", "SN-00002", "SN-00003"])
        record.action_apply()
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00004")
        with self.assertRaisesRegex(UserError, "already has a serial"):
            record.action_generate()

    def test_generated_serials_taken_meanwhile_are_refused(self):
        record = self.open_wizard().save()
        self.serial_product._reserve_serials(2)  # someone else received two units
        with self.assertRaisesRegex(UserError, "is now SN-00003, not SN-00001"):
            record.action_apply()
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00003")

    def test_scans(self):
        self.serial_product.barcode = "04012345000016"
        wizard = self.open_wizard()
        wizard.serials_text = ""
        wizard._barcode_scanned = "PLAIN-1"
        wizard._barcode_scanned = "]d2010401234500001621SCAN-2"
        wizard._barcode_scanned = "(01)04012345000016(21)SCAN-3"
        self.assertEqual(wizard.serials_text.split(), ["PLAIN-1", "SCAN-2", "SCAN-3"])
        self.assertEqual(wizard.scan_feedback["message"], "SCAN-3 added")
        record = wizard.save()
        # Refusals are answered inline (no modal would stop the next scan).
        self.assertIsNone(record.on_barcode_scanned("]d2010000000000000021X"))
        self.assertIn("is for the GTIN 00000000000000", record.scan_feedback["message"])
        self.assertFalse(record.scan_feedback["ok"])
        record.on_barcode_scanned("(01)04012345000016")
        self.assertIn("carries no serial number", record.scan_feedback["message"])
        record.on_barcode_scanned("SCAN-2")
        self.assertEqual(record.scan_feedback["message"], "SCAN-2 refused: already entered")
        for barcode, message in {
            "\x1d": "The scan '\\x1d' is empty: nothing was read.",
            "(01)04012345000016(21)": "The scanned GS1 barcode '(01)04012345000016(21)' "
                                      "carries an empty serial number (AI 21).",
        }.items():
            record.on_barcode_scanned(barcode)
            self.assertEqual((record.scan_feedback["ok"], record.scan_feedback["message"]),
                             (False, message))
        self.assertEqual(record.serials_text.split(), ["PLAIN-1", "SCAN-2", "SCAN-3"])
        # Not text, or several dialogs: the client's mistake, raised.
        with self.assertRaisesRegex(UserError, re.escape(
                "on_barcode_scanned expects a string for barcode, got int: 5.")):
            record.on_barcode_scanned(5)
        with self.assertRaisesRegex(UserError, "one dialog at a time, got 2"):
            (record | record.copy()).on_barcode_scanned("SCAN-4")
        self.assertEqual(record.serials_text.split(), ["PLAIN-1", "SCAN-2", "SCAN-3"])

    def test_first_scan_replaces_the_next_serial_suggestion(self):
        wizard = self.open_wizard()
        self.assertEqual(wizard.serial_count, 5)
        wizard._barcode_scanned = "SN-00001"
        self.assertEqual(wizard.serials_text, "SN-00001", "not a duplicate of the suggestion")
        self.assertTrue(wizard.scan_feedback["ok"])

    def test_empty_box_is_a_hint_and_errors_read_as_lines(self):
        wizard = self.open_wizard()
        wizard.serials_text = ""
        self.assertIn("Scan, type or paste the serials of the 5 expected units",
                      wizard.preview_html)
        self.assertNotIn("alert-danger", wizard.preview_html)
        wizard.serials_text = "LX-1\nLX-2\nLX-1\nLX-0OO10"
        self.assertIn("o_serial_state_errors", wizard.preview_html)
        self.assertIn("entered twice: on line 1 and on line 3", wizard.preview_html)
        self.assertNotIn("is already in the list", wizard.preview_html)
        self.assertIn("looks like LX-00010", wizard.preview_html)

    def test_access_rights(self):
        self.open_wizard(user=self.stock_user).save().action_apply()
        self.assertEqual(self.move.serial_count, 5)
        outsider = new_test_user(self.env, "serial_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.move.with_user(outsider).set_serials_from_text("X1")


@tagged("post_install", "-at_install")
class TestSerialUniqueUnderConcurrency(SerialCase):
    """Two transactions creating the same serial: the database refuses the second."""

    @mute_logger("odoo.sql_db")  # the refused INSERT is logged as a "bad query"
    def test_unique_index_refuses_the_second_transaction(self):
        with committed_env(self.registry) as env:
            product_id = env["product.product"].create(
                {"name": "Race", "is_storable": True, "tracking": "serial"}).id
        self.addCleanup(self._cleanup, product_id)
        first_inserted = threading.Event()
        outcomes = {}

        def receive(worker, before_commit=None):
            try:
                with committed_env(self.registry) as env:
                    env["stock.lot"].create({"name": "RACE-1", "product_id": product_id})
                    env.flush_all()
                    if before_commit:
                        before_commit()
                outcomes[worker] = "created"
            except (psycopg2.IntegrityError, ValidationError) as error:
                outcomes[worker] = str(error)

        def let_the_second_one_in():
            first_inserted.set()
            time.sleep(1)  # the second INSERT now waits on this uncommitted row

        first = threading.Thread(target=receive, args=("first", let_the_second_one_in))
        first.start()
        first_inserted.wait(timeout=30)
        # Odoo's Python uniqueness check cannot see the first, uncommitted lot.
        second = threading.Thread(target=receive, args=("second",))
        second.start()
        first.join(timeout=60)
        second.join(timeout=60)
        self.assertEqual(outcomes["first"], "created")
        self.assertIn("stock_lot_product_company_name_uniq", outcomes["second"])
        with committed_env(self.registry) as env:
            env.cr.execute("SELECT count(*) FROM stock_lot WHERE product_id = %s", [product_id])
            self.assertEqual(env.cr.fetchone()[0], 1)

    def _cleanup(self, product_id):
        with committed_env(self.registry) as env:
            env.cr.execute("DELETE FROM stock_lot WHERE product_id = %s", [product_id])
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
