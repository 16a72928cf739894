from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SerialCase


@tagged("post_install", "-at_install")
class TestReturns(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt = cls.receive(cls.serial_product, "R1 R2 R3 R4")
        cls.delivery = cls.ship(cls.serial_product, "R1-R3")

    def return_wizard(self, picking):
        return Form(self.env["stock.return.picking"].with_context(
            active_id=picking.id, active_model="stock.picking"))

    def test_return_offers_only_the_shipped_serials(self):
        wizard = self.return_wizard(self.delivery).save()
        line = wizard.product_return_moves
        self.assertEqual(sorted(line.returnable_lot_ids.mapped("name")), ["R1", "R2", "R3"])

    def test_return_chosen_by_scan_or_paste(self):
        form = self.return_wizard(self.delivery)
        form.serials_text = "R2"
        wizard = form.save()
        self.assertEqual(wizard.product_return_moves.lot_ids.mapped("name"), ["R2"])
        self.assertEqual(wizard.product_return_moves.quantity, 1)
        action = wizard.action_create_returns()
        back = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(back.move_ids.move_line_ids.lot_id.mapped("name"), ["R2"])
        back.button_validate()
        lot = self.env["stock.lot"].search([("name", "=", "R2")])
        self.assertEqual(lot.serial_status, "in_stock")
        # Once back, it is no longer offered for another return of that delivery.
        again = self.return_wizard(self.delivery).save()
        self.assertEqual(sorted(again.product_return_moves.returnable_lot_ids.mapped("name")),
                         ["R1", "R3"])

    def test_a_serial_that_was_not_shipped_is_refused(self):
        form = self.return_wizard(self.delivery)
        # In stock, never shipped on that delivery: not ticked, and the user is warned.
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            form.serials_text = "R4"
        self.assertIn("These serials were not shipped", warned.output[0])
        wizard = form.save()
        self.assertFalse(wizard.product_return_moves.lot_ids)
        wizard.product_return_moves.quantity = 1
        back = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        other = self.env["stock.lot"].search([("name", "=", "R4")])
        back.move_ids.move_line_ids.write({"lot_id": other.id, "quantity": 1})
        with self.assertRaisesRegex(UserError, f"R4 was not on {self.delivery.name}"):
            back.button_validate()

    def test_a_serial_returned_twice_is_refused(self):
        first = self.return_wizard(self.delivery).save()
        first.product_return_moves.lot_ids = self.env["stock.lot"].search([("name", "=", "R1")])
        first.product_return_moves.quantity = 1
        back = self.env["stock.picking"].browse(first.action_create_returns()["res_id"])
        back.button_validate()
        second = self.return_wizard(self.delivery).save()
        second.product_return_moves.quantity = 1
        again = self.env["stock.picking"].browse(second.action_create_returns()["res_id"])
        again.move_ids.move_line_ids.write({
            "lot_id": self.env["stock.lot"].search([("name", "=", "R1")]).id, "quantity": 1})
        with self.assertRaisesRegex(UserError, f"R1 was already returned with {back.name}"):
            again.button_validate()

    def test_vendor_return_only_of_serials_received_and_still_here(self):
        wizard = self.return_wizard(self.receipt).save()
        line = wizard.product_return_moves
        self.assertEqual(sorted(line.returnable_lot_ids.mapped("name")), ["R1", "R2", "R3", "R4"])
        line.lot_ids = self.env["stock.lot"].search([("name", "=", "R1")])  # delivered already
        line.quantity = 1
        with self.assertRaisesRegex(UserError, r"R1: already delivered"):
            wizard.action_create_returns()
        line.lot_ids = self.env["stock.lot"].search([("name", "=", "R4")])
        back = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        back.button_validate()
        self.assertEqual(self.env["stock.lot"].search([("name", "=", "R4")]).serial_status,
                         "returned")


@tagged("post_install", "-at_install")
class TestSerialList(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.serial_product.write({"warranty_months": 12, "warranty_start": "delivery"})
        cls.receipt = cls.receive(cls.serial_product, "L1 L2 L3 L4 L5")
        cls.delivery = cls.ship(cls.serial_product, "L1")
        cls.open_delivery = cls.create_delivery(cls.serial_product, 1)
        cls.open_delivery.move_ids.set_serials_from_text("L2")
        cls.lots = {lot.name: lot for lot in cls.env["stock.lot"].search(
            [("product_id", "=", cls.serial_product.id)])}

    def test_statuses_and_locations(self):
        statuses = {name: lot.serial_status for name, lot in self.lots.items()}
        self.assertEqual(statuses, {"L1": "delivered", "L2": "reserved", "L3": "in_stock",
                                    "L4": "in_stock", "L5": "in_stock"})
        self.assertEqual(self.lots["L1"].last_partner_id, self.customer)
        scrap = self.env["stock.scrap"].create({
            "product_id": self.serial_product.id, "lot_id": self.lots["L5"].id,
            "scrap_qty": 1, "location_id": self.stock_location.id})
        scrap.action_validate()
        self.assertEqual(self.lots["L5"].serial_status, "scrapped")
        lot_model = self.env["stock.lot"]
        self.assertEqual(lot_model.search([("serial_status", "=", "in_stock"),
                                           ("product_id", "=", self.serial_product.id)]),
                         self.lots["L3"] | self.lots["L4"])

    def test_search_many_at_once_and_report_missing(self):
        found = self.env["stock.lot"].search([("serial_search", "ilike", "L1, L3\nL9\tL4")])
        self.assertEqual(set(found.mapped("name")), {"L1", "L3", "L4"})
        self.assertEqual(self.env["stock.lot"].search([("serial_search", "ilike", "L")]),
                         self.env["stock.lot"].search([("name", "ilike", "L")]))
        finder = Form(self.env["stock.serial.find"])
        finder.serials_text = "L1\nL2\nNOPE-1\nNOPE-2"
        self.assertEqual(finder.found_count, 2)
        self.assertIn("NOPE-1, NOPE-2", finder.missing_html)
        action = finder.save().action_open_found()
        self.assertEqual(len(self.env["stock.lot"].search(action["domain"])), 2)

    def test_history_lists_every_done_move_in_order(self):
        action = self.lots["L1"].action_serial_history()
        lines = self.env["stock.move.line"].search(action["domain"], order="date, id")
        self.assertEqual([line.picking_id for line in lines], [self.receipt, self.delivery])
        self.assertEqual(lines[-1].picking_partner_id, self.customer)

    def test_allocated_and_remaining_per_product_and_per_receipt(self):
        template = self.serial_product.product_tmpl_id
        self.assertEqual((template.serial_in_stock_count, template.serial_count), (3, 5))
        action = template.action_view_serials()
        self.assertEqual(len(self.env["stock.lot"].search(action["domain"])), 5)
        self.assertEqual(self.receipt.serial_lot_count, 5)
        receipt_lots = self.env["stock.lot"].search(self.receipt.action_view_serials()["domain"])
        self.assertEqual(sorted(receipt_lots.mapped("serial_status")),
                         ["delivered", "in_stock", "in_stock", "in_stock", "reserved"])

    def test_warranty_dates_and_filter(self):
        delivered = self.lots["L1"]
        start = delivered.delivery_date.date()
        self.assertEqual(delivered.warranty_start_date, start)
        self.assertEqual(delivered.warranty_end_date, start + relativedelta(months=12))
        self.assertFalse(self.lots["L3"].warranty_end_date, "not delivered: no customer warranty")
        under = self.env["stock.lot"].search([("under_warranty", "=", True),
                                              ("product_id", "=", self.serial_product.id)])
        self.assertEqual(under, delivered)
        # Changing the product's warranty recomputes its serials in one go.
        self.serial_product.write({"warranty_start": "receipt", "warranty_months": 24})
        receipt_day = self.lots["L3"].receipt_date.date()
        self.assertEqual(self.lots["L3"].warranty_end_date, receipt_day + relativedelta(months=24))
        self.assertGreater(self.lots["L3"].warranty_end_date, fields.Date.today())
        self.assertTrue(self.lots["L3"].under_warranty)
        self.assertLess(date(2000, 1, 1), receipt_day)


@tagged("post_install", "-at_install")
class TestMultiCompany(SerialCase):
    """A user of company B never sees or selects company A's serials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receive(cls.serial_product, "MC-A1 MC-A2")
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.user_b = new_test_user(
            cls.env, "serial_user_b", groups="stock.group_stock_user",
            company_id=cls.company_b.id, company_ids=[cls.company_b.id])
        warehouse_b = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_b.id)])
        cls.stock_b = warehouse_b.lot_stock_id
        cls.delivery_b = cls.env["stock.picking"].create({
            "picking_type_id": warehouse_b.out_type_id.id, "company_id": cls.company_b.id,
            "location_id": cls.stock_b.id, "location_dest_id": cls.customer_location.id,
            "move_ids": [(0, 0, {"product_id": cls.serial_product.id, "product_uom_qty": 1,
                                 "location_id": cls.stock_b.id, "company_id": cls.company_b.id,
                                 "location_dest_id": cls.customer_location.id})]})
        cls.delivery_b.action_confirm()

    def test_selector_offers_nothing_of_company_a(self):
        move = self.delivery_b.move_ids.with_user(self.user_b)
        action = move.action_open_serial_entry()
        selector = Form(self.env["stock.serial.select"].with_user(self.user_b)
                        .with_context(**action["context"])).save()
        self.assertFalse(selector.line_ids)
        with self.assertRaisesRegex(UserError, "MC-A1: unknown serial of Laptop in Company B"):
            move.set_serials_from_text("MC-A1")

    def test_search_and_history_stay_in_the_company(self):
        lots_b = self.env["stock.lot"].with_user(self.user_b)
        self.assertFalse(lots_b.search([("serial_search", "ilike", "MC-A1, MC-A2")]))
        self.assertEqual(lots_b.find_serials("MC-A1")["missing"], ["MC-A1"])
        lot_a = self.env["stock.lot"].search([("name", "=", "MC-A1")])
        with self.assertRaises(AccessError):
            lot_a.with_user(self.user_b).action_serial_history()
