from odoo.exceptions import UserError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import set_wise, stock_quant
from ..models.set_wise import create_with_known_values, set_wise_flushes
from ..models.stock_move_line import odoo_assignment, odoo_reservation
from ..models.stock_quant import BATCHED_VALIDATION_PARAM
from .common import SerialCase

BATCH_LOGGER = stock_quant._logger.name


@tagged("post_install", "-at_install")
class TestFastValidation(SerialCase):
    """Which lines the batched validation takes, and what it leaves to Odoo."""

    def receipt_with_serials(self, serials):
        receipt = self.create_receipt(self.serial_product, len(serials.split(",")))
        receipt.move_ids.set_serials_from_text(serials)
        return receipt

    def test_serial_units_are_validated_in_one_batch(self):
        receipt = self.receipt_with_serials("FV1, FV2, FV3")
        with self.assertLogs(BATCH_LOGGER, "DEBUG") as logs:
            receipt.button_validate()
        self.assertIn("Batched validation: 3 of 3 serialized units", logs.output[0])
        lots = receipt.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), ["FV1", "FV2", "FV3"])
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        # Each serial's chatter starts as on Odoo's path.
        self.assertEqual([str(lot.message_ids.body) for lot in lots],
                         ["<p>Lot/Serial created</p>"] * 3)

    def test_a_fall_back_to_odoo_create_is_logged_with_its_reason(self):
        lots = self.env["stock.lot"]
        with self.assertLogs(set_wise._logger.name, "DEBUG") as logs:
            self.assertIsNone(create_with_known_values(
                lots, [{"name": "FB1", "product_id": self.serial_product.id}], ()))
            self.assertIsNone(create_with_known_values(
                self.env["stock.move.line"], [{"product_id": self.serial_product.id}],
                ("stock", "stock_account", "mrp")))
        self.assertIn("1 stock.lot records created by Odoo's create, not in one insert: "
                      "create is overridden by mail, stock", logs.output[0])
        self.assertIn("stored fields with a default, or computed and required, are not "
                      "given: ", logs.output[1])
        # The system parameter's switch is a choice, not a fall-back: nothing logged.
        with self.assertNoLogs(set_wise._logger.name, "DEBUG"):
            create_with_known_values(lots, [{"name": "FB2"}], (), enabled=False)

    def test_computed_fields_not_given_are_computed_as_odoo_computes_them(self):
        """Stored computed fields left out of one insert (as those other modules add to
        lines and quants) get the values Odoo's create gives them."""
        lots = self.env["stock.lot"]
        native = lots.create({"name": "CF1", "product_id": self.serial_product.id})
        given = {name for name, field in lots._fields.items() if field.store and (
            field.default or (field.compute and field.required))} - set(LOG_ACCESS_COLUMNS)
        left_out = {name for name, field in lots._fields.items()
                    if field.store and field.compute} - given - {"name", "product_id"}
        self.assertTrue(left_out)
        values = {name: lots._fields[name].convert_to_write(native[name], native)
                  for name in given | {"product_id"}}
        batched = create_with_known_values(lots, [{**values, "name": "CF2"}],
                                           ("mail", "stock", "stock_account"))
        self.assertTrue(batched)
        self.env.flush_all()
        self.env.invalidate_all()
        for name in sorted(left_out):
            with self.subTest(field=name):
                self.assertEqual(batched[name], native[name])

    def test_nothing_to_create_while_odoo_reserves(self):
        # Odoo's assignment creates its list of lines, empty or not.
        with odoo_reservation(), odoo_assignment():
            self.assertFalse(self.env["stock.move.line"].create([]))

    def test_system_parameter_turns_it_off(self):
        self.env["ir.config_parameter"].set_param(BATCHED_VALIDATION_PARAM, "False")
        receipt = self.receipt_with_serials("FV4, FV5")
        with self.assertNoLogs(BATCH_LOGGER, "DEBUG"):
            receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(len(receipt.move_line_ids.lot_id.quant_ids.filtered(
            lambda quant: quant.location_id == self.stock_location)), 2)

    def test_owner_and_package_lines_stay_on_odoo_path(self):
        owned = self.receipt_with_serials("FV6")
        owned.owner_id = self.customer  # consignment: the units belong to the partner
        packed = self.receipt_with_serials("FV7")
        packed.move_line_ids.result_package_id = self.env["stock.package"].create({})
        with self.assertNoLogs(BATCH_LOGGER, "DEBUG"):
            (owned | packed).button_validate()
        self.assertEqual(owned.move_line_ids.lot_id.quant_ids.filtered(
            lambda quant: quant.location_id == self.stock_location).owner_id, self.customer)
        self.assertTrue(packed.move_line_ids.lot_id.quant_ids.package_id)

    def test_company_inconsistency_is_still_refused(self):
        """The batch checks companies per company, not per line: the same refusal."""
        company_b = self.env["res.company"].create({"name": "Batch B"})
        receipt = self.receipt_with_serials("FV8, FV9")
        receipt.move_ids._action_assign()
        lots = self.env["stock.lot"].create([
            {"name": name, "product_id": self.serial_product.id} for name in ("FV8", "FV9")])
        for line, lot in zip(receipt.move_line_ids, lots, strict=True):
            line.lot_id = lot
        lots[1].company_id = company_b  # the line's serial now belongs to another company
        with self.assertRaisesRegex(UserError, "company inconsistencies"):
            receipt.button_validate()


@tagged("post_install", "-at_install")
class TestSetWiseFlush(SerialCase):
    """Thousands of rows flushed from arrays get what Odoo's flush would write."""

    def flushed_rows(self, lots, statements, set_wise=True):
        with self.assertQueryCount(statements):
            if set_wise:
                with set_wise_flushes(self.env):
                    lots.flush_recordset()
            else:
                lots.flush_recordset()
        return self.env.execute_query(SQL(
            "SELECT id, ref, note, write_uid FROM stock_lot WHERE id IN %s"
            " ORDER BY id", tuple(lots.ids)))

    def test_many_lots_written_in_one_statement_per_set_of_fields(self):
        lots = self.env["stock.lot"].create([
            {"name": f"SW{number:04d}", "product_id": self.serial_product.id}
            for number in range(250)])
        self.env.flush_all()
        user = self.env["res.users"].search([("login", "=", "admin")], limit=1)
        lots = lots.with_user(user).sudo()
        for number, lot in enumerate(lots):
            lot.ref = f"R{number}" if number % 3 else False  # NULLs among the values
            if number % 2:
                lot.note = "<p>checked</p>"  # another set of fields: another statement
        rows = self.flushed_rows(lots, 2)
        self.assertEqual(len(rows), 250)
        for number, (_id, ref, note, write_uid) in enumerate(rows):
            self.assertEqual(ref, f"R{number}" if number % 3 else None)
            self.assertEqual(note, "<p>checked</p>" if number % 2 else None)
            self.assertEqual(write_uid, user.id)

    def test_only_within_an_operation_of_the_batched_paths(self):
        # Other addons' writes of the same models keep Odoo's flush: 100 rows a statement.
        lots = self.env["stock.lot"].create([
            {"name": f"SY{number:04d}", "product_id": self.serial_product.id}
            for number in range(250)])
        self.env.flush_all()
        lots.ref = "same"
        self.assertEqual({row[1] for row in self.flushed_rows(lots, 3, set_wise=False)},
                         {"same"})

    def test_off_with_the_batched_paths(self):
        self.env["ir.config_parameter"].set_param(BATCHED_VALIDATION_PARAM, "False")
        lots = self.env["stock.lot"].create([
            {"name": f"SX{number:04d}", "product_id": self.serial_product.id}
            for number in range(250)])
        self.env.flush_all()
        lots.ref = "same"
        self.assertEqual({row[1] for row in self.flushed_rows(lots, 3)}, {"same"})
