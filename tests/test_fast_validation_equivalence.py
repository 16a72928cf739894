"""Proof that the batched validation of serialized units changes nothing but speed.

Each scenario runs twice from the same database state, once on Odoo's path (one line at a
time: the system parameter off) and once on the batched path, each in a savepoint rolled
back afterwards, at the same frozen time. The resulting rows are compared, all of them.

What is normalised, and why:
- record ids are replaced by names (products, lots, locations, partners, accounts): the
  second run creates its records after the first one's were rolled back, with new ids;
- transfers are numbered by creation order within the scenario, not named: their
  sequence does not roll back, so the second run's WH/IN/00012 is the first run's 00011;
- ids and transfer names in message bodies (links to other transfers) likewise;
- nothing else: time is frozen (and moved an hour forward before each validation, so
  that a unit's date of arrival differs from the date it moves on), so every date (quant
  in_date, line and move dates, receipt and delivery dates of the serials) must match to
  the second.

The audit trail is compared too: the chatter messages of the serials, the transfers and
the moves, with their tracking values, and the serials' followers.
"""

import re

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from ..models import stock_quant
from ..models.stock_quant import BATCHED_VALIDATION_PARAM
from .common import SerialCase

FROZEN_NOW = "2026-03-02 10:00:00"
BATCH_LOGGER = stock_quant._logger.name


@tagged("post_install", "-at_install")
class TestFastValidationEquivalence(SerialCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1)

    # -- Running a scenario on both paths --------------------------------------------------
    def assertSameOnBothPaths(self, scenario):
        """Run `scenario` (it returns the products it involves) on both paths; compare."""
        snapshots = {}
        for batched in (False, True):
            # Odoo's path never reaches the batch; the batched path takes every serial unit.
            watch = (self.assertLogs(BATCH_LOGGER, "DEBUG") if batched
                     else self.assertNoLogs(BATCH_LOGGER, "DEBUG"))
            with freeze_time(FROZEN_NOW) as self.clock, \
                    self.env.cr.savepoint(flush=False) as savepoint, watch as logs:
                self.env["ir.config_parameter"].set_param(BATCHED_VALIDATION_PARAM, str(batched))
                products = scenario()
                self.env.flush_all()
                snapshots[batched] = self.snapshot(products)
                serial_lines = self.env["stock.move.line"].search_count(
                    [("product_id", "in", products.ids), ("state", "=", "done"),
                     ("product_id.tracking", "=", "serial")])
                savepoint.rollback()
            self.env.invalidate_all()
            self.env.registry.clear_cache("stable")  # the parameter's cache ignores rollbacks
            if batched:
                self.assertEqual(sum(int(re.search(r"(\d+) of", line).group(1))
                                     for line in logs.output), serial_lines)
        self.assertTrue(snapshots[False]["quants"], "the scenario moved nothing")
        for table, native_rows in snapshots[False].items():
            self.assertEqual(snapshots[True][table], native_rows,
                             f"{table} differ between Odoo's path and the batched one")

    def snapshot(self, products):
        lines = self.env["stock.move.line"].search([("product_id", "in", products.ids)])
        moves = self.env["stock.move"].search([("product_id", "in", products.ids)])
        pickings = (moves.picking_id | lines.picking_id).sorted("id")
        number = {picking: index for index, picking in enumerate(pickings, 1)}
        number[pickings.browse()] = 0

        lots = self.env["stock.lot"].search([("product_id", "in", products.ids)])

        def name(record):
            return record.display_name if record else ""

        def body(message):
            text = re.sub(r'data-oe-id="\d+"', 'data-oe-id=""', str(message.body))
            for picking, index in number.items():
                if picking:
                    text = text.replace(picking.name, f"transfer {index}")
            return text

        def record_name(message):
            record = self.env[message.model].browse(message.res_id)
            return number[record] if message.model == "stock.picking" else name(record)

        tables = {
            "quants": [(name(q.product_id), name(q.location_id), name(q.lot_id),
                        name(q.package_id), name(q.owner_id), name(q.company_id), q.quantity,
                        q.reserved_quantity, q.in_date, q.inventory_date, q.inventory_quantity,
                        q.inventory_quantity_set, q.inventory_diff_quantity, name(q.user_id),
                        name(q.create_uid), q.create_date, q.write_date)
                       for q in self.env["stock.quant"].search(
                           [("product_id", "in", products.ids)])],
            "lots": [(name(lot.product_id), lot.name, name(lot.company_id), lot.serial_status,
                      lot.receipt_date, lot.delivery_date, name(lot.last_partner_id),
                      lot.warranty_start_date, lot.warranty_end_date, name(lot.location_id),
                      tuple(sorted(lot.message_partner_ids.mapped("name"))))
                     for lot in lots],
            "move lines": [(number[line.picking_id], name(line.product_id), name(line.lot_id),
                            line.lot_name or "", line.quantity, name(line.location_id),
                            name(line.location_dest_id), line.state, line.date, line.picked,
                            name(line.company_id))
                           for line in lines],
            "moves": [(number[move.picking_id], name(move.product_id), move.state,
                       move.product_uom_qty, move.quantity, name(move.location_id),
                       name(move.location_dest_id), move.date, move.picked,
                       number[move.origin_returned_move_id.picking_id])
                      for move in moves],
            "pickings": [(number[picking], picking.state, name(picking.picking_type_id),
                          number[picking.backorder_id], picking.date_done)
                         for picking in pickings],
            "messages": [
                (message.model, record_name(message), message.message_type,
                 message.subtype_id.name or "", name(message.author_id),
                 body(message), message.date,
                 # The integer columns of a tracking value hold ids, its char columns the
                 # names of the records.
                 tuple((value.field_id.name, value.old_value_char, value.new_value_char,
                        value.old_value_float, value.new_value_float,
                        value.old_value_datetime, value.new_value_datetime)
                       for value in message.tracking_value_ids.sorted("id")))
                for message in self.env["mail.message"].search([
                    "|", "|",
                    "&", ("model", "=", "stock.lot"), ("res_id", "in", lots.ids),
                    "&", ("model", "=", "stock.picking"), ("res_id", "in", pickings.ids),
                    "&", ("model", "=", "stock.move"), ("res_id", "in", moves.ids)])],
            "valuation": [
                (number[move.picking_id], name(move.product_id), move.value, move.remaining_qty,
                 move.remaining_value)
                for move in moves] + [
                (number[move.picking_id], line.account_id.code, line.debit, line.credit)
                for move in moves for line in move.account_move_id.line_ids],
        }
        # Beyond the columns above, every stored field of these records, those other
        # modules add included (product_expiry's dates, landed costs, batches).
        quants = self.env["stock.quant"].search([("product_id", "in", products.ids)])
        journal_items = moves.account_move_id.line_ids
        # Transfers and batches (stock_picking_batch) are numbered: sequences ignore
        # rollbacks.
        batches = pickings.batch_id.sorted("id") if "batch_id" in pickings else []
        batch_number = {batch: index for index, batch in enumerate(batches, 1)}

        def name_of(value):
            if value._name == "stock.picking":
                return number[value]
            return batch_number.get(value, 0) if value._name == "stock.picking.batch" else (
                name(value))

        for records in (quants, lots, lines, moves, pickings, journal_items):
            tables[f"stored fields of {records._name}"] = self.stored_values(
                records, name_of, number)
        return {table: sorted(rows, key=lambda row: [str(value) for value in row])
                for table, rows in tables.items()}

    @staticmethod
    def stored_values(records, name_of, number):
        """Every stored field but ids, of each record: records linked by their names,
        transfers by their numbers, in texts too (references, origins)."""
        fields = [field for field in records._fields.values() if field.store
                  and field.type not in ("one2many", "many2many", "binary")
                  and field.name not in ("id", "create_uid", "write_uid")]
        names = [(picking.name, f"transfer {index}") for picking, index in number.items()
                 if picking]

        def value_of(record, field):
            value = record[field.name]
            if field.type == "many2one":
                value = name_of(value)
            elif field.type == "properties":
                value = field.convert_to_read(value, record)
            if isinstance(value, str):
                for picking_name, transfer in names:
                    value = value.replace(picking_name, transfer)
            return value

        return [tuple((field.name, value_of(record, field)) for field in fields)
                for record in records]

    # -- Building blocks -------------------------------------------------------------------
    def new_product(self, name, tracking="serial", **values):
        return self.env["product.product"].create(
            {"name": name, "is_storable": True, "tracking": tracking, **values})

    def transfer(self, picking_type, lines, source=None, destination=None, partner=None):
        """A confirmed transfer of {product: quantity}."""
        source = source or picking_type.default_location_src_id or self.supplier_location
        destination = (destination or picking_type.default_location_dest_id
                       or self.customer_location)
        locations = {"location_id": source.id, "location_dest_id": destination.id}
        picking = picking_type.env["stock.picking"].create({
            "picking_type_id": picking_type.id, "partner_id": (partner or self.customer).id,
            **locations,
            "move_ids": [Command.create({"product_id": product.id, "product_uom_qty": quantity,
                                         "price_unit": 10, **locations})
                         for product, quantity in lines.items()]})
        picking.action_confirm()
        return picking

    def receive_serials(self, product, serials, picking_type=None, plain=None):
        """Receive `serials` of `product`, and the units {product: quantity} of `plain`."""
        receipt = self.transfer(picking_type or self.receipt_type,
                                {product: len(serials.split()), **(plain or {})})
        receipt.move_ids.filtered(lambda m: m.product_id == product).set_serials_from_text(
            ", ".join(serials.split()))
        for move in receipt.move_ids.filtered(lambda m: m.product_id != product):
            move.quantity = move.product_uom_qty
        self.validate(receipt)
        return receipt

    def ship_serials(self, product, serials, quantity=None, picking_type=None):
        delivery = self.transfer(picking_type or self.delivery_type,
                                 {product: quantity or len(serials.split())})
        delivery.move_ids.set_serials_from_text(", ".join(serials.split()))
        self.validate(delivery)
        return delivery

    def validate(self, picking, backorder=True):
        # An hour between validations: the dates units carry from place to place differ.
        self.clock.tick(3600)
        result = picking.button_validate()
        if isinstance(result, dict):  # the backorder wizard
            wizard = Form.from_action(picking.env, result).save()
            wizard.process() if backorder else wizard.process_cancel_backorder()

    def return_serials(self, picking, serials):
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_id=picking.id, active_model="stock.picking"))
        wizard.serials_text = ", ".join(serials.split())
        back = self.env["stock.picking"].browse(wizard.save().action_create_returns()["res_id"])
        self.validate(back)
        return back

    # -- Scenarios -------------------------------------------------------------------------
    def test_receipt_delivery_and_returns(self):
        def scenario():
            product = self.new_product("Equivalence laptop")
            receipt = self.receive_serials(product, "EQ1 EQ2 EQ3 EQ4 EQ5")
            delivery = self.ship_serials(product, "EQ1 EQ2 EQ3")
            self.return_serials(delivery, "EQ2")  # customer return, back in stock
            self.return_serials(receipt, "EQ4")  # vendor return
            self.ship_serials(product, "EQ2")  # a returned unit ships again
            self.receive_serials(product, "EQ4")  # and the vendor's unit comes back
            return product
        self.assertSameOnBothPaths(scenario)

    def test_partial_transfers_and_backorders(self):
        def scenario():
            product = self.new_product("Equivalence tablet")
            receipt = self.transfer(self.receipt_type, {product: 4})
            receipt.move_ids.set_serials_from_text("PB1, PB2")  # 2 of 4: backorder of 2
            self.validate(receipt)
            backorder = receipt.backorder_ids
            backorder.move_ids.set_serials_from_text("PB3")  # 1 of 2: no further backorder
            self.validate(backorder, backorder=False)
            self.ship_serials(product, "PB1 PB3", quantity=3)  # 2 of 3 shipped, rest later
            return product
        self.assertSameOnBothPaths(scenario)

    def test_mixed_transfer_serial_and_plain_product(self):
        def scenario():
            serial = self.new_product("Equivalence phone")
            plain = self.new_product("Equivalence charger", tracking="none")
            self.receive_serials(serial, "MX1 MX2 MX3", plain={plain: 5})
            delivery = self.transfer(self.delivery_type, {serial: 2, plain: 3})
            delivery.move_ids.filtered(lambda m: m.product_id == serial).set_serials_from_text(
                "MX3, MX1")
            self.validate(delivery)
            return serial | plain
        self.assertSameOnBothPaths(scenario)

    def validate_ready_transfers(self, product):
        """Validate, oldest first, every transfer of `product` ready to go (chained steps)."""
        while todo := self.env["stock.picking"].search(
                [("product_id", "=", product.id), ("state", "=", "assigned")], order="id",
                limit=1):
            self.validate(todo)

    def test_multi_step_routes(self):
        def scenario():
            self.warehouse.write({"reception_steps": "three_steps",
                                  "delivery_steps": "pick_pack_ship"})
            product = self.new_product("Equivalence server")
            # Input, then quality control, then stock: chained internal transfers.
            receipt = self.transfer(self.warehouse.in_type_id, {product: 3})
            receipt.move_ids.set_serials_from_text("MS1, MS2, MS3")
            self.validate(receipt)
            self.validate_ready_transfers(product)
            # Pick, pack and ship, each step reserving the serials of the one before.
            delivery = self.transfer(self.warehouse.out_type_id, {product: 2},
                                     source=self.warehouse.lot_stock_id)
            delivery.move_ids._action_assign()
            self.validate_ready_transfers(product)
            return product
        self.assertSameOnBothPaths(scenario)

    def test_two_companies(self):
        def scenario():
            company_b = self.env["res.company"].create({"name": "Equivalence B"})
            warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
            env_b = self.env(context=dict(self.env.context, allowed_company_ids=[company_b.id]))
            product = self.new_product("Equivalence shared router")
            self.receive_serials(product, "TC1 TC2")
            receipt_b = self.transfer(warehouse_b.in_type_id.with_env(env_b), {product: 2})
            receipt_b.move_ids.set_serials_from_text("TB1, TB2")
            self.validate(receipt_b)
            self.ship_serials(product, "TB2", picking_type=warehouse_b.out_type_id.with_env(env_b))
            return product
        self.assertSameOnBothPaths(scenario)

    def test_valuation_fifo_real_time(self):
        def scenario():
            category = self.env["product.category"].create({
                "name": "Equivalence FIFO", "property_cost_method": "fifo",
                "property_valuation": "real_time"})
            product = self.new_product("Equivalence camera", categ_id=category.id)
            self.receive_serials(product, "VA1 VA2 VA3")
            self.ship_serials(product, "VA2")
            return product
        self.assertSameOnBothPaths(scenario)

    def test_units_odoo_reserves_by_itself(self):
        """Units Odoo chooses and reserves (set-wise on the batched path): at confirmation,
        on request, partly and then wholly, from the stock and from a shelf under it; then
        units it reserved chosen on another delivery, which takes them over."""
        def scenario():
            product = self.new_product("Equivalence monitor")
            shelf = self.env["stock.location"].create(
                {"name": "Equivalence shelf", "location_id": self.stock_location.id})
            self.receive_serials(product, "OR1 OR2 OR3")
            receipt = self.transfer(self.receipt_type, {product: 2}, destination=shelf)
            receipt.move_ids.set_serials_from_text("OR4, OR5")
            self.validate(receipt)
            # The type's default: reserved at confirmation, the oldest units first.
            at_confirm = self.transfer(self.delivery_type, {product: 4})
            self.delivery_type.reservation_method = "manual"
            on_request = self.transfer(self.delivery_type, {product: 3})
            on_request.action_assign()  # the one unit left: partly available
            self.receive_serials(product, "OR6 OR7")
            on_request.action_assign()  # and the rest, left reserved
            self.validate(at_confirm)
            # OR6 and OR7, reserved by Odoo on `on_request`, are chosen on another
            # delivery: one of them gets the one free unit instead, the other is released.
            self.receive_serials(product, "OR8")
            chooser = self.transfer(self.delivery_type, {product: 2})
            chooser.move_ids.set_serials_from_text("OR6, OR7")
            return product
        self.assertSameOnBothPaths(scenario)

    def test_average_cost_per_serial_and_expiry_dates(self):
        """Serials valued one by one (average cost, automated valuation) and, where
        product_expiry is installed, with expiry dates: received, then shipped."""
        def scenario():
            category = self.env["product.category"].create({
                "name": "Equivalence AVCO", "property_cost_method": "average",
                "property_valuation": "real_time"})
            expiry = ({"use_expiration_date": True, "expiration_time": 365}
                      if "use_expiration_date" in self.env["product.product"] else {})
            product = self.new_product("Equivalence vaccine fridge", categ_id=category.id,
                                       lot_valuated=True, **expiry)
            self.receive_serials(product, "AV1 AV2 AV3")
            self.ship_serials(product, "AV3 AV1")
            return product
        self.assertSameOnBothPaths(scenario)
