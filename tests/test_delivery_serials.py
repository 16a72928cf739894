from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SerialCase


@tagged("post_install", "-at_install")
class TestDeliverySerials(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 2", "location_id": cls.stock_location.id})
        cls.elsewhere = cls.env["stock.location"].create(
            {"name": "Other WH stock", "location_id": cls.stock_location.location_id.id})
        cls.receive(cls.serial_product, "D1 D2 D3 D4 D5")
        cls.receive(cls.serial_product, "E1", location=cls.elsewhere)
        cls.other_product = cls.env["product.product"].create(
            {"name": "Scope", "is_storable": True, "tracking": "serial"})
        cls.receive(cls.other_product, "S1")

    def lots(self, move):
        return sorted(move.move_line_ids.lot_id.mapped("name"))

    def open_selector(self, move):
        action = move.action_open_serial_entry()
        self.assertEqual(action["res_model"], "stock.serial.select")
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_selector_suggests_the_oldest_and_ships_the_ticked(self):
        delivery = self.create_delivery(self.serial_product, 3)
        selector = self.open_selector(delivery.move_ids)
        self.assertEqual(selector.expected_qty, 3)
        self.assertEqual(selector.selected_count, 3)
        record = selector.save()
        self.assertEqual(sorted(record.line_ids.lot_id.mapped("name")),
                         ["D1", "D2", "D3", "D4", "D5"],
                         "only serials under the source location are offered")
        self.assertEqual(record.line_ids.filtered("selected").lot_id,
                         delivery.move_ids.move_line_ids.lot_id,
                         "what Odoo reserved (oldest first) is what is ticked")
        for line in record.line_ids:
            line.selected = line.lot_id.name in ("D2", "D4", "D5")
        record.action_apply()
        self.assertEqual(self.lots(delivery.move_ids), ["D2", "D4", "D5"])
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        lots = self.env["stock.lot"].search([("name", "in", ["D2", "D4", "D5"])])
        self.assertEqual(set(lots.mapped("serial_status")), {"delivered"})
        self.assertEqual(lots.last_partner_id, self.customer)

    def test_typed_and_scanned_serials_are_ticked_or_explained(self):
        busy = self.create_delivery(self.serial_product, 1)
        busy.move_ids.set_serials_from_text("D1")
        delivery = self.create_delivery(self.serial_product, 2)
        selector = self.open_selector(delivery.move_ids)
        selector.serials_text = "D3, D1, E1, S1, NOPE"
        messages = selector.messages_html
        self.assertIn(f"chosen on {busy.name}", messages)
        self.assertIn("is at WH/Other WH stock, not in WH/Stock", messages)
        self.assertIn("a serial of Scope, not of this product", messages)
        self.assertIn("unknown serial of Laptop in", messages)
        self.assertFalse(selector.serials_text, "the box is ready for the next scan")
        selector._barcode_scanned = "D4"
        ticked = selector.save().line_ids.filtered("selected").lot_id.mapped("name")
        self.assertIn("D3", ticked)
        self.assertIn("D4", ticked)

    def test_public_method_refuses_serials_not_available(self):
        delivery = self.create_delivery(self.serial_product, 2)
        before = delivery.move_ids.move_line_ids
        with self.assertRaisesRegex(UserError, "E1: is at WH/Other WH stock, not in WH/Stock"):
            delivery.move_ids.set_serials_from_text("D1, E1")
        self.assertEqual(delivery.move_ids.move_line_ids, before)
        delivery.move_ids.set_serials_from_text("D4-D5")
        self.assertEqual(self.lots(delivery.move_ids), ["D4", "D5"])
        quants = self.env["stock.quant"].search([("lot_id.name", "in", ["D4", "D5"]),
                                                 ("location_id", "=", self.stock_location.id)])
        self.assertEqual(quants.mapped("reserved_quantity"), [1.0, 1.0])

    def test_thousands_of_wrong_serials_are_summed_up(self):
        delivery = self.create_delivery(self.serial_product, 150)
        before = delivery.move_line_ids
        with self.assertRaises(UserError) as caught:
            delivery.move_ids.set_serials_from_text(
                "\n".join(f"NOPE{number:04d}" for number in range(150)))
        message = caught.exception.args[0]
        self.assertIn("NOPE0000: unknown serial", message)
        self.assertIn("NOPE0099", message)
        self.assertNotIn("NOPE0100", message)
        self.assertIn("… and 50 more", message)
        self.assertEqual(delivery.move_line_ids, before)

    def test_validation_refuses_a_serial_not_at_the_source(self):
        delivery = self.create_delivery(self.serial_product, 1)
        elsewhere_lot = self.env["stock.lot"].search([("name", "=", "E1")])
        delivery.move_ids.move_line_ids.lot_id = elsewhere_lot
        with self.assertRaisesRegex(UserError, r"E1 \(Laptop\) is not in stock at WH/Stock: "
                                               r"it is at WH/Other WH stock"):
            delivery.button_validate()
        self.assertNotEqual(delivery.state, "done")

    def test_delivered_serial_cannot_ship_again(self):
        self.ship(self.serial_product, "D1")
        second = self.create_delivery(self.serial_product, 1)
        with self.assertRaisesRegex(UserError, r"D1: already delivered \(Customers\)"):
            second.move_ids.set_serials_from_text("D1")

    def test_internal_transfer_follows_the_same_rule(self):
        internal_type = self.env.ref("stock.picking_type_internal")
        transfer = self.env["stock.picking"].create({
            "picking_type_id": internal_type.id, "location_id": self.stock_location.id,
            "location_dest_id": self.shelf.id,
            "move_ids": [(0, 0, {"product_id": self.serial_product.id, "product_uom_qty": 1,
                                 "location_id": self.stock_location.id,
                                 "location_dest_id": self.shelf.id})]})
        transfer.action_confirm()
        with self.assertRaisesRegex(UserError, "E1: is at"):
            transfer.move_ids.set_serials_from_text("E1")
        transfer.move_ids.set_serials_from_text("D2")
        transfer.button_validate()
        moved = self.env["stock.lot"].search([("name", "=", "D2")])
        self.assertEqual(moved.location_id, self.shelf)

    def test_inventory_count_of_serials(self):
        # Untracked units of a serialized product may be counted (opening stock), as in Odoo.
        quant = self.env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": self.serial_product.id, "location_id": self.shelf.id,
            "inventory_quantity": 2})
        quant.action_apply_inventory()
        self.assertEqual(quant.quantity, 2)
        # A serial is 0 or 1 unit: Odoo's own ValidationError.
        lot = self.env["stock.lot"].search([("name", "=", "D3")])
        counted = self.env["stock.quant"].search([("lot_id", "=", lot.id)])
        counted.with_context(inventory_mode=True).inventory_quantity = 2
        with self.assertRaisesRegex(ValidationError, "D3"):
            counted.action_apply_inventory()
        counted.with_context(inventory_mode=True).inventory_quantity = 0
        counted.action_apply_inventory()
        self.assertEqual(lot.serial_status, "scrapped")


@tagged("post_install", "-at_install")
class TestDeliveryEntryIsSetWise(SerialCase):
    """Choosing N serials for a delivery costs the same number of queries for any N."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive(cls.serial_product, " ".join(f"Q{number:03d}" for number in range(1, 121)))

    def queries_to_choose(self, serials):
        delivery = self.create_delivery(self.serial_product, len(serials))
        move = delivery.move_ids
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        move.set_serials_from_text("\n".join(serials))
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(sorted(move.move_line_ids.lot_id.mapped("name")), sorted(serials))
        return count

    def test_query_count_does_not_grow_with_the_serials(self):
        # A first entry loads what any entry needs once (metadata, chatter tracking).
        self.queries_to_choose(["Q119", "Q120"])
        # The newest serials: not the ones Odoo reserved (oldest first), so every line changes.
        few = self.queries_to_choose([f"Q{number:03d}" for number in range(111, 116)])
        many = self.queries_to_choose([f"Q{number:03d}" for number in range(51, 106)])
        # Per serial, 55 serials would cost 50 more queries than 5; a few cache misses differ.
        self.assertLessEqual(many, few + 10, f"{few} queries for 5 serials, {many} for 55")

    def queries_to_reserve(self, quantity):
        """Queries of Odoo's own reservation of `quantity` units (confirming a delivery of
        a type that reserves at once), which the addon makes set-wise."""
        delivery = self.create_delivery(self.serial_product, quantity, confirm=False)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        delivery.action_confirm()
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(delivery.state, "assigned")
        lines = delivery.move_line_ids
        self.assertEqual((len(lines), len(lines.lot_id)), (quantity, quantity))
        self.assertEqual(set(lines.mapped("serial_chosen")), {False})  # tentative
        self.assertEqual(sum(lines.lot_id.quant_ids.mapped("reserved_quantity")), quantity)
        return count

    def test_odoo_reservation_does_not_grow_with_the_units(self):
        self.queries_to_reserve(2)
        few, many = self.queries_to_reserve(5), self.queries_to_reserve(55)
        # One line at a time, Odoo's create reserves with four queries a unit: 200 more.
        self.assertLessEqual(many, few + 10, f"{few} queries for 5 units, {many} for 55")

    def test_new_lines_take_the_state_of_their_move(self):
        # The lines are written with the state their move is about to take; when Odoo
        # keeps the move's state (preserve_state), they follow the move instead.
        for context, state in (({}, "assigned"), ({"preserve_state": True}, "confirmed")):
            delivery = self.create_delivery(self.serial_product, 3)
            delivery.do_unreserve()
            move = delivery.move_ids.with_context(**context)
            move.set_serials_from_text("Q007, Q008, Q009")
            self.env.flush_all()
            self.env.invalidate_all()
            self.assertEqual(move.state, state)
            self.assertEqual(move.move_line_ids.mapped("state"), [state] * 3)
            delivery.with_context(preserve_state=False).action_cancel()
