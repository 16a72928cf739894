"""One unit, one serial, one place — on every path, not only through the dialogs."""

import re

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import Form, tagged

from .common import SerialCase


class IntegrityCase(SerialCase):

    def snapshot(self, product=None):
        """What a refused operation must leave untouched: lines, quants and lots."""
        product = product or self.serial_product
        self.env.flush_all()
        self.env.invalidate_all()
        lines = self.env["stock.move.line"].search_read(
            [("product_id", "=", product.id)],
            ["lot_id", "lot_name", "quantity", "location_id", "location_dest_id", "picked",
             "state"], order="id")
        quants = self.env["stock.quant"].search_read(
            [("product_id", "=", product.id)],
            ["lot_id", "location_id", "quantity", "reserved_quantity"], order="id")
        lots = self.env["stock.lot"].search_read([("product_id", "=", product.id)], ["name"])
        return lines, quants, lots

    def assertRefusedAndUnchanged(self, exception, message, operation, product=None):
        before = self.snapshot(product)
        with self.assertRaises(exception) as caught:
            operation()
        self.assertRegex(str(caught.exception.args[0]), message)
        self.assertEqual(self.snapshot(product), before, "the database is unchanged")


@tagged("post_install", "-at_install")
class TestDoneAndCancelledMoves(IntegrityCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt = cls.receive(cls.serial_product, "R1 R2 R3")
        cls.delivery = cls.ship(cls.serial_product, "R1")

    def test_serials_of_done_moves_cannot_be_set_again(self):
        for picking in (self.receipt, self.delivery):
            with self.subTest(picking=picking.name):
                self.assertRefusedAndUnchanged(
                    UserError, "cannot change: the move is Done",
                    lambda picking=picking: picking.move_ids.set_serials_from_text("R9"))
        self.assertRefusedAndUnchanged(
            UserError, "cannot change", lambda: self.receipt.move_ids.with_user(
                self.stock_user).set_serials_from_text("R9"))

    def test_serials_of_cancelled_moves_cannot_be_set(self):
        receipt = self.create_receipt(self.serial_product, 2)
        receipt.action_cancel()
        self.assertRefusedAndUnchanged(
            UserError, "the move is Cancelled",
            lambda: receipt.move_ids.set_serials_from_text("C1, C2"))

    def test_done_serial_lines_are_corrected_only_under_the_rules(self):
        line = self.receipt.move_line_ids.filtered(lambda ml: ml.lot_id.name == "R2")
        in_stock = self.env["stock.lot"].search([("name", "=", "R3")])
        refused = {
            "a serial already in stock": ({"lot_id": in_stock.id}, ValidationError,
                                          "R3 would be 2.0 units in stock"),
            "two units": ({"quantity": 2}, UserError, "a serial is one unit, not 2"),
            "no serial": ({"lot_id": False}, UserError, "a unit needs its serial"),
            "a typed name": ({"lot_name": "R99"}, UserError, "not a typed name"),
        }
        for label, (vals, exception, message) in refused.items():
            with self.subTest(edit=label):
                self.assertRefusedAndUnchanged(exception, message,
                                               lambda vals=vals: line.write(vals))
        # A mistyped serial corrected on the done receipt: the units follow, one each.
        corrected = self.env["stock.lot"].create(
            {"name": "R2-FIXED", "product_id": self.serial_product.id})
        line.lot_id = corrected
        self.assertEqual(corrected.product_qty, 1)
        self.assertEqual(self.env["stock.lot"].search([("name", "=", "R2")]).product_qty, 0)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_done_moves_get_no_new_units(self):
        receipt_move, delivery_move = self.receipt.move_ids, self.delivery.move_ids
        for move in (receipt_move, delivery_move):
            with self.subTest(move=move.reference):
                self.assertRefusedAndUnchanged(
                    UserError, "The quantity of done serial moves cannot change",
                    lambda move=move: move.write({"quantity": 5}))
        base = {"product_id": self.serial_product.id, "quantity": 1,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.stock_location.id, "lot_name": "R-LATE"}
        self.assertRefusedAndUnchanged(
            UserError, "needs one unit of an existing serial",
            lambda: receipt_move.write({"move_line_ids": [Command.create(base)]}))
        self.assertRefusedAndUnchanged(
            UserError, "needs one unit of an existing serial",
            lambda: self.env["stock.move.line"].create({**base, "move_id": receipt_move.id}))
        # An existing serial already in stock cannot arrive a second time that way either
        # (Odoo's own check says so first).
        in_stock = self.env["stock.lot"].search([("name", "=", "R3")])
        self.assertRefusedAndUnchanged(
            ValidationError, "Serial Number: R3",
            lambda: self.env["stock.move.line"].create(
                {**base, "lot_name": False, "lot_id": in_stock.id, "move_id": receipt_move.id}))

    def test_a_wrong_receipt_is_corrected_by_a_return(self):
        """The documented correction: return the unit, then receive the right serial."""
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_id=self.receipt.id, active_model="stock.picking")).save()
        wizard.product_return_moves.lot_ids = self.env["stock.lot"].search([("name", "=", "R2")])
        wizard.product_return_moves.quantity = 1
        returned = wizard._create_return()
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        self.receive(self.serial_product, "R2-FIXED")
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})


@tagged("post_install", "-at_install")
class TestSerialNamesOnEveryPath(IntegrityCase):

    BAD_NAMES = {
        "65 characters": ("S" * 65, "longer than 64"),
        "300 characters": ("S" * 300, "longer than 64"),
        "U+0001": ("A\x01B", "U\\+0001"),
        "zero-width space": ("A\u200bB", "U\\+200B"),
        "right-to-left override": ("A\u202eB", "U\\+202E"),
        "newline": ("A\nB", "U\\+000A"),
        "empty": ("", "is empty"),
        "spaces around": (" AB ", "white space"),
    }

    def test_lots_of_serialized_products(self):
        for label, (name, message) in self.BAD_NAMES.items():
            with self.subTest(name=label):
                self.assertRefusedAndUnchanged(
                    ValidationError, message, lambda name=name: self.env["stock.lot"].create(
                        {"name": name, "product_id": self.serial_product.id}))
        lot = self.env["stock.lot"].create({"name": "GOOD-1", "product_id": self.serial_product.id})
        self.assertRefusedAndUnchanged(ValidationError, "U\\+200B",
                                       lambda: lot.write({"name": "GOOD\u200b1"}))

    def test_names_that_are_not_text(self):
        for value in (["A", "B"], {"A": 1}, 12, 1.5, b"AB"):
            with self.subTest(value=value):
                self.assertRefusedAndUnchanged(
                    ValidationError, "must be text", lambda value=value: self.env[
                        "stock.lot"].create({"name": value, "product_id": self.serial_product.id}))

    def test_lot_names_typed_on_move_lines(self):
        receipt = self.create_receipt(self.serial_product, 1)
        line = receipt.move_line_ids
        for label, (name, message) in self.BAD_NAMES.items():
            if not name:
                continue  # an empty lot name is a unit without a serial: refused at validation
            with self.subTest(name=label):
                self.assertRefusedAndUnchanged(
                    ValidationError, message, lambda name=name: line.write({"lot_name": name}))
        self.assertRefusedAndUnchanged(
            ValidationError, "must be text", lambda: line.write({"lot_name": ["A", "B"]}))

    def test_quoted_empty_spreadsheet_cell_is_not_a_serial(self):
        receipt = self.create_receipt(self.serial_product, 2)
        self.assertRefusedAndUnchanged(
            UserError, "is empty", lambda: receipt.move_ids.set_serials_from_text('Q1\n""'))

    def test_nul_is_refused_before_the_database_whatever_the_tracking(self):
        """PostgreSQL cannot store NUL: the name is refused, named, before it gets there
        (not with psycopg2's "A string literal cannot contain NUL")."""
        message = re.escape(
            "A serial or lot number cannot contain the control character U+0000 (NUL): "
            "'A\\x00B'")
        lot_product = self.env["product.product"].create(
            {"name": "Paint", "is_storable": True, "tracking": "lot"})
        for product in (self.serial_product, lot_product):
            receipt = self.create_receipt(product, 1)
            line = receipt.move_line_ids
            lot = self.env["stock.lot"].create({"name": "N-1", "product_id": product.id})
            writes = {
                "lot create": lambda product=product: self.env["stock.lot"].create(
                    {"name": "A\x00B", "product_id": product.id}),
                "lot write": lambda lot=lot: lot.write({"name": "A\x00B"}),
                "line create": lambda line=line: self.env["stock.move.line"].create({
                    "move_id": line.move_id.id, "picking_id": line.picking_id.id,
                    "product_id": line.product_id.id, "quantity": 1, "lot_name": "A\x00B",
                    "location_id": line.location_id.id,
                    "location_dest_id": line.location_dest_id.id}),
                "line write": lambda line=line: line.write({"lot_name": "A\x00B"}),
            }
            for label, write in writes.items():
                with self.subTest(tracking=product.tracking, write=label):
                    self.assertRefusedAndUnchanged(ValidationError, f"^{message}$", write,
                                                   product=product)

    def test_a_gs1_barcode_with_an_empty_serial_is_no_serial(self):
        self.serial_product.barcode = "04012345000016"
        receipt = self.create_receipt(self.serial_product, 3)
        for text in ("(01)04012345000016(21)", "(21)", "]C1010401234500001621"):
            with self.subTest(text=text):
                self.assertRefusedAndUnchanged(
                    UserError, re.escape(
                        f"- {text!r}: a GS1 barcode with an empty serial number (AI 21) "
                        "(line 2)"),
                    lambda text=text: receipt.move_ids.set_serials_from_text(f"G-1\n{text}"))
        # With its serial it stays a serial as typed, as before.
        receipt.move_ids.set_serials_from_text("(01)04012345000016(21)G-2")
        self.assertEqual(receipt.move_ids._entered_serials(), ["(01)04012345000016(21)G-2"])

    def test_lot_tracked_products_keep_odoo_rules(self):
        lot_product = self.env["product.product"].create(
            {"name": "Paint", "is_storable": True, "tracking": "lot"})
        lot = self.env["stock.lot"].create({"name": " batch 7 ", "product_id": lot_product.id})
        self.assertEqual(lot.name, " batch 7 ")


@tagged("post_install", "-at_install")
class TestPublicMethodArguments(IntegrityCase):

    def test_wrong_argument_types(self):
        move = self.create_receipt(self.serial_product, 2).move_ids
        self.assertRefusedAndUnchanged(UserError, "must be given as text",
                                       move.set_serials_from_text)
        for value in (12, ["A", "B"], {"A": 1}, True, 1.5, b"A,B", None):
            with self.subTest(value=value):
                self.assertRefusedAndUnchanged(
                    UserError, "must be given as text",
                    lambda value=value: move.set_serials_from_text(value))
        self.assertRefusedAndUnchanged(
            UserError, "true or false", lambda: move.set_serials_from_text("A", "yes"))
        self.assertRefusedAndUnchanged(
            UserError, "unexpected arguments: 'extra'",
            lambda: move.set_serials_from_text("A", True, "extra"))
        self.assertRefusedAndUnchanged(
            UserError, "unexpected arguments: colour='red'",
            lambda: move.set_serials_from_text("A", colour="red"))

    def test_one_move_at_a_time(self):
        first = self.create_receipt(self.serial_product, 1).move_ids
        second = self.create_receipt(self.serial_product, 1).move_ids
        self.assertRefusedAndUnchanged(UserError, "not on 2 moves",
                                       lambda: (first | second).set_serials_from_text("A"))
        self.assertRefusedAndUnchanged(UserError, "not on 0 moves",
                                       lambda: first.browse().set_serials_from_text("A"))

    def test_methods_for_records_are_not_rpc_methods(self):
        """The label dialog opens on (product record, serial) pairs, which RPC cannot send."""
        with self.assertRaisesRegex(AccessError, "cannot be called remotely"):
            get_public_method(self.env["stock.serial.label.print"], "action_open")

    def test_products_that_are_not_serialized(self):
        move = self.create_receipt(self.plain_product, 1).move_ids
        self.assertRefusedAndUnchanged(
            UserError, "not a serialized product",
            lambda: move.set_serials_from_text("A"), product=self.plain_product)


@tagged("post_install", "-at_install")
class TestLocationsAndPartialPickings(IntegrityCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": cls.stock_location.id})
        cls.receive(cls.serial_product, "L1 L2 L3", location=cls.shelf)
        cls.receive(cls.serial_product, "L4 L5 L6")

    def quantity(self, serial, location):
        return sum(self.env["stock.quant"].search(
            [("lot_id.name", "=", serial), ("location_id", "=", location.id)]).mapped("quantity"))

    def test_a_serial_on_a_shelf_ships_from_the_shelf(self):
        delivery = self.create_delivery(self.serial_product, 1)
        delivery.move_ids.set_serials_from_text("L2")
        self.assertEqual(delivery.move_line_ids.location_id, self.shelf)
        delivery.button_validate()
        self.assertEqual(self.quantity("L2", self.shelf), 0)
        self.assertEqual(self.quantity("L2", self.stock_location), 0, "never -1 on WH/Stock")
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_a_line_that_does_not_say_where_the_unit_is_cannot_ship(self):
        delivery = self.create_delivery(self.serial_product, 1)
        line = delivery.move_line_ids
        line.write({"lot_id": self.env["stock.lot"].search([("name", "=", "L3")]).id,
                    "location_id": self.stock_location.id})
        self.assertRefusedAndUnchanged(
            UserError, r"L3 \(Laptop\) is not in stock at WH/Stock: it is at WH/Stock/Shelf 1",
            delivery.button_validate)

    def test_multi_step_warehouse(self):
        warehouse = self.env.ref("stock.warehouse0")
        warehouse.delivery_steps = "pick_ship"
        self.env["stock.rule"].flush_model()
        customer = self.customer_location
        rule = self.env["stock.rule"]
        rule.run([rule.Procurement(
            self.serial_product, 2, self.serial_product.uom_id, customer, "Two steps",
            "TWO-STEPS", warehouse.company_id, {"warehouse_id": warehouse})])
        pick = self.env["stock.move"].search([("product_id", "=", self.serial_product.id),
                                              ("origin", "=", "TWO-STEPS")]).picking_id
        self.assertEqual(pick.picking_type_id, warehouse.pick_type_id)
        pick.action_assign()
        pick.move_ids.set_serials_from_text("L1, L5")
        self.assertEqual(sorted(pick.move_line_ids.location_id.mapped("name")),
                         ["Shelf 1", "Stock"])
        pick.button_validate()
        ship = pick.move_ids.move_dest_ids.picking_id  # pushed from Output to the customer
        self.assertEqual(ship.location_dest_id, customer)
        ship.move_ids.set_serials_from_text("L1, L5")
        ship.button_validate()
        self.assertEqual(ship.state, "done")
        lots = self.env["stock.lot"].search([("name", "in", ["L1", "L5"])])
        self.assertEqual(set(lots.mapped("serial_status")), {"delivered"})
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_partial_picking_ships_the_picked_and_backorders_the_rest(self):
        """As the Barcode app does: 2 of 5 units scanned and picked, validate, backorder."""
        delivery = self.create_delivery(self.serial_product, 5)
        lines = delivery.move_line_ids.sorted("id")
        lines[:2].picked = True
        delivery.with_context(skip_backorder=True).button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(len(delivery.move_line_ids), 2)
        backorder = self.env["stock.picking"].search([("backorder_id", "=", delivery.id)])
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)

    def test_partial_picking_without_serials_on_the_picked_lines(self):
        receipt = self.create_receipt(self.serial_product, 5)
        receipt.move_line_ids.sorted("id")[:2].picked = True
        with self.assertRaisesRegex(UserError, "2 of 5 units without a serial"):
            receipt.button_validate()

    def test_chosen_serials_stay_on_their_delivery(self):
        first = self.create_delivery(self.serial_product, 1)
        first.move_ids.set_serials_from_text("L4")
        second = self.create_delivery(self.serial_product, 1)
        # A client writing the chosen unit on another delivery's line is refused at once.
        unit = self.env["stock.lot"].search([("name", "=", "L4")])
        self.assertRefusedAndUnchanged(
            UserError, f"L4 \\(Laptop\\) is chosen on {first.name}",
            lambda: second.move_line_ids.write({"lot_id": unit.id,
                                                "location_id": self.stock_location.id}))
        first.button_validate()
        self.assertEqual(first.move_line_ids.lot_id.name, "L4")

    def test_a_serial_is_picked_on_one_transfer_at_a_time(self):
        """As the Barcode app writes a scanned serial: lot and picked on the line."""
        first = self.create_delivery(self.serial_product, 1)
        second = self.create_delivery(self.serial_product, 1)
        unit = self.env["stock.lot"].search([("name", "=", "L5")])
        first.move_line_ids.write({"lot_id": unit.id, "picked": True})
        self.assertRefusedAndUnchanged(
            UserError, f"L5 \\(Laptop\\) is chosen on {first.name}",
            lambda: second.move_line_ids.write({"lot_id": unit.id, "picked": True}))
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_a_serial_a_client_wrote_is_a_firm_choice(self):
        """An integration (or the detailed operations) writes lot_id on a line, not picked:
        that is a choice too; entries do not swap it, and a second choice is refused."""
        first = self.create_delivery(self.serial_product, 1)
        unit = self.env["stock.lot"].search([("name", "=", "L6")])
        first.move_line_ids.unlink()
        self.env["stock.move.line"].create({
            "move_id": first.move_ids.id, "picking_id": first.id,
            "product_id": self.serial_product.id, "lot_id": unit.id, "quantity": 1,
            "location_id": self.stock_location.id,
            "location_dest_id": first.location_dest_id.id})
        self.assertTrue(first.move_line_ids.serial_chosen)
        self.assertFalse(first.move_line_ids.picked)
        second = self.create_delivery(self.serial_product, 1)
        self.assertRefusedAndUnchanged(
            UserError, f"chosen on {first.name}",
            lambda: second.move_ids.set_serials_from_text("L6"))
        self.assertRefusedAndUnchanged(
            UserError, f"L6 \\(Laptop\\) is chosen on {first.name}",
            lambda: second.move_line_ids.write({"lot_id": unit.id}))
        self.assertEqual(first.move_line_ids.lot_id, unit)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_a_client_choosing_a_unit_odoo_reserved_elsewhere_swaps_it_there(self):
        """Odoo would reserve the unit twice; the other delivery gets another free unit and
        says so in its chatter."""
        first = self.create_delivery(self.serial_product, 1)  # Odoo reserves one unit
        taken = first.move_line_ids.lot_id
        second = self.create_delivery(self.serial_product, 1)
        second.move_line_ids.write({"lot_id": taken.id,
                                    "location_id": first.move_line_ids.location_id.id})
        self.assertEqual(second.move_line_ids.lot_id, taken)
        self.assertTrue(first.move_line_ids.lot_id)
        self.assertNotEqual(first.move_line_ids.lot_id, taken)
        self.assertEqual(first.move_ids.state, "assigned")
        quant = self.env["stock.quant"].search([("lot_id", "=", taken.id),
                                                ("location_id.usage", "=", "internal")])
        self.assertEqual((quant.quantity, quant.reserved_quantity), (1, 1))
        self.assertIn(f"{taken.name} was chosen on {second.name}", first.message_ids[0].body)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_choosing_a_unit_odoo_reserved_elsewhere_reserves_another_there(self):
        first = self.create_delivery(self.serial_product, 1)  # Odoo reserves one unit
        taken = first.move_line_ids.lot_id
        self.assertFalse(first.move_line_ids.picked)
        second = self.create_delivery(self.serial_product, 1)
        second.move_ids.set_serials_from_text(taken.name)
        self.assertEqual(second.move_line_ids.lot_id, taken)
        self.assertEqual(first.move_ids.state, "assigned")
        self.assertTrue(first.move_line_ids.lot_id)
        self.assertFalse(first.move_line_ids.picked, "still Odoo's tentative reservation")
        self.assertNotEqual(first.move_line_ids.lot_id, taken, "Odoo reserved another unit")
        quant = self.env["stock.quant"].search([("lot_id", "=", taken.id),
                                                ("location_id.usage", "=", "internal")])
        self.assertEqual(quant.reserved_quantity, 1)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_units_taken_from_two_deliveries_give_each_its_own_substitute(self):
        first = self.create_delivery(self.serial_product, 1)
        second = self.create_delivery(self.serial_product, 1)
        taken = first.move_line_ids.lot_id | second.move_line_ids.lot_id
        self.assertEqual(len(taken), 2)
        third = self.create_delivery(self.serial_product, 2)
        third.move_ids.set_serials_from_text("\n".join(taken.mapped("name")))
        substitutes = first.move_line_ids.lot_id | second.move_line_ids.lot_id
        self.assertEqual(len(substitutes), 2, "two different units")
        self.assertFalse(substitutes & taken)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})

    def test_a_unit_taken_from_a_delivery_with_no_free_unit_left_leaves_it_short(self):
        in_stock = self.env["stock.quant"].search_count(
            [("product_id", "=", self.serial_product.id), ("location_id.usage", "=", "internal"),
             ("quantity", "=", 1)])
        first = self.create_delivery(self.serial_product, in_stock)  # every unit reserved
        taken = first.move_line_ids.lot_id[:1]
        second = self.create_delivery(self.serial_product, 1)
        second.move_ids.set_serials_from_text(taken.name)
        self.assertEqual(second.move_line_ids.lot_id, taken)
        self.assertEqual(first.move_ids.state, "partially_available")
        self.assertEqual(len(first.move_line_ids), in_stock - 1)
        self.assertNotIn(taken, first.move_line_ids.lot_id)
        self.assertEqual(self.env["stock.lot"]._serial_invariant_violations(), {})


@tagged("post_install", "-at_install")
class TestUnitsOfMeasure(IntegrityCase):

    def test_a_dozen_is_twelve_serials(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        receipt = self.create_receipt(self.serial_product, 1)
        receipt.move_ids.write({"product_uom": dozen.id})
        move = receipt.move_ids
        self.assertEqual(move.serial_progress, "0/12")
        self.assertRefusedAndUnchanged(UserError, "13 serials for 12 units",
                                       lambda: move.set_serials_from_text("DZ-1-DZ-13"))
        move.set_serials_from_text("DZ-1-DZ-12")
        self.assertEqual(move.serial_progress, "12/12")
        receipt.button_validate()
        self.assertEqual(self.serial_product.qty_available, 12)


@tagged("post_install", "-at_install")
class TestCompanyScope(IntegrityCase):

    def test_another_companys_receipt_is_neither_a_conflict_nor_named(self):
        other_company = self.env["res.company"].create({"name": "Company B"})
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)])
        product = self.env["product.product"].create(
            {"name": "Shared scope", "is_storable": True, "tracking": "serial"})
        other_receipt = self.env["stock.picking"].with_company(other_company).create({
            "picking_type_id": other_warehouse.in_type_id.id,
            "location_id": self.supplier_location.id,
            "location_dest_id": other_warehouse.lot_stock_id.id,
            "move_ids": [Command.create({
                "product_id": product.id, "product_uom_qty": 1,
                "location_id": self.supplier_location.id,
                "location_dest_id": other_warehouse.lot_stock_id.id})],
        })
        other_receipt.action_confirm()
        other_receipt.move_ids.set_serials_from_text("SHARED-1")
        receipt = self.create_receipt(product, 1)
        receipt.move_ids.set_serials_from_text("SHARED-1")  # no conflict across companies
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        mine = self.create_receipt(product, 1)
        with self.assertRaises(UserError) as caught:
            mine.move_ids.set_serials_from_text("SHARED-1")
        self.assertNotIn(other_receipt.name, str(caught.exception))
        self.assertNotIn("Company B", str(caught.exception))
