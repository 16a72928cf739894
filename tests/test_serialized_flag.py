from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SerialCase


@tagged("post_install", "-at_install")
class TestSerializedFlag(SerialCase):

    def assertLocked(self, product, *linked):
        """Flipping the flag fails, names every linked record kind, and changes nothing."""
        before = product.tracking
        with self.assertRaises(UserError) as caught:
            product.is_serialized = not product.is_serialized
        message = str(caught.exception)
        self.assertIn(product.display_name, message)
        for label in linked:
            self.assertIn(label, message)
        product.invalidate_recordset()
        self.assertEqual(product.tracking, before)

    def test_new_product_can_be_created_serialized(self):
        product = self.env["product.template"].create({
            "name": "Scope", "is_storable": True, "is_serialized": True})
        self.assertEqual(product.tracking, "serial")
        self.assertTrue(product.is_serialized)
        self.assertIn(product, self.env["product.template"].search([("is_serialized", "=", True)]))

    def test_flag_toggles_freely_without_history(self):
        self.plain_product.is_serialized = True
        self.assertEqual(self.plain_product.tracking, "serial")
        self.plain_product.is_serialized = False
        self.assertEqual(self.plain_product.tracking, "none")

    def test_stock_move_locks_flag(self):
        self.create_receipt(self.plain_product, 3, confirm=False)
        self.assertLocked(self.plain_product, "1 stock move")

    def test_move_lines_are_counted(self):
        receipt = self.create_receipt(self.plain_product, 3)
        self.assertTrue(receipt.move_line_ids)
        self.assertLocked(self.plain_product, "1 stock move,", "1 stock move line")

    def test_quant_locks_flag(self):
        self.env["stock.quant"]._update_available_quantity(
            self.plain_product, self.stock_location, 4)
        self.assertLocked(self.plain_product, "1 quant")

    def test_lot_locks_flag(self):
        self.env["stock.lot"].create({"name": "L1", "product_id": self.serial_product.id})
        self.env["stock.lot"].create({"name": "L2", "product_id": self.serial_product.id})
        self.assertLocked(self.serial_product, "2 lot/serial numbers")

    def test_sale_order_line_locks_flag(self):
        self.require_models("sale.order")
        self.env["sale.order"].create({
            "partner_id": self.partner().id,
            "order_line": [Command.create({"product_id": self.plain_product.id})],
        })
        self.assertLocked(self.plain_product, "1 sale order line")

    def test_purchase_order_line_locks_flag(self):
        self.require_models("purchase.order")
        self.env["purchase.order"].create({
            "partner_id": self.partner().id,
            "order_line": [Command.create({"product_id": self.plain_product.id,
                                           "product_qty": 2})],
        })
        self.assertLocked(self.plain_product, "1 purchase order line")

    def test_journal_item_locks_flag(self):
        account = self.env["account.account"].create(
            {"name": "Stock valuation", "code": "SER110", "account_type": "asset_current"})
        journal = self.env["account.journal"].create(
            {"name": "Serial misc", "code": "SERM", "type": "general"})
        self.env["account.move"].create({
            "journal_id": journal.id,
            "line_ids": [
                Command.create({"account_id": account.id, "debit": 10,
                                "product_id": self.plain_product.id}),
                Command.create({"account_id": account.id, "credit": 10}),
            ],
        })
        self.assertLocked(self.plain_product, "1 journal item")

    def test_lock_applies_to_every_path(self):
        """Variant writes, Odoo's own tracking field and unticking storability all lock."""
        self.create_receipt(self.serial_product, 1, confirm=False)
        template = self.serial_product.product_tmpl_id
        for vals in ({"tracking": "none"}, {"tracking": "lot"}, {"is_storable": False},
                     {"type": "service"}):
            for record in (template, self.serial_product):
                with self.subTest(vals=vals, model=record._name), \
                        self.assertRaisesRegex(UserError, "1 stock move"):
                    record.write(vals)
        self.assertEqual(template.tracking, "serial")

    def test_lock_ignores_changes_not_involving_serials(self):
        self.create_receipt(self.plain_product, 1, confirm=False)
        self.plain_product.tracking = "lot"
        self.assertEqual(self.plain_product.tracking, "lot")

    def test_lock_holds_for_admin_and_imports(self):
        self.create_receipt(self.serial_product, 1, confirm=False)
        template = self.serial_product.product_tmpl_id
        with self.assertRaisesRegex(UserError, "1 stock move"):
            template.with_user(self.env.ref("base.user_admin")).type = "service"
        external_id = self.serial_product.export_data(["id"])["datas"][0][0]
        result = self.env["product.product"].load(["id", "is_storable"], [[external_id, "False"]])
        self.assertFalse(result["ids"])
        self.assertIn("1 stock move", result["messages"][0]["message"])
        self.assertEqual((template.type, template.tracking), ("consu", "serial"))

    def test_anyone_who_may_edit_a_new_product_sets_the_flag(self):
        self.plain_product.with_user(self.product_manager).is_serialized = True
        self.assertEqual(self.plain_product.tracking, "serial")
        # In the form too: the flag is editable where the product is.
        other = self.env["product.template"].create({"name": "Scope", "is_storable": True})
        with Form(other.with_user(self.product_manager)) as form:
            form.is_serialized = True
        self.assertEqual(other.tracking, "serial")

    def test_only_inventory_managers_repoint_the_sequence(self):
        other_sequence = self.env["ir.sequence"].create({"name": "Other", "prefix": "OT-"})
        before = self.serial_product.next_expected_serial
        with self.assertRaisesRegex(AccessError, "Only Inventory managers"):
            self.serial_product.with_user(self.product_manager).lot_sequence_id = other_sequence
        self.assertEqual(self.serial_product.next_expected_serial, before)

    def test_custom_prefix_never_adopts_a_next_serial_sequence(self):
        lot_product = self.env["product.product"].create(
            {"name": "Cable reel", "is_storable": True, "tracking": "lot"})
        lot_product.serial_prefix_format = "SN-"
        self.assertNotEqual(lot_product.lot_sequence_id,
                            self.serial_product.lot_sequence_id)
        self.assertEqual(lot_product.lot_sequence_id.prefix, "SN-")
        self.serial_product._reserve_serials(1)
        self.assertEqual(self.serial_product.next_expected_serial, "SN-00002")

    def test_linked_models_are_extensible_through_one_method(self):
        models = self.env["product.template"]._serialized_lock_models()
        # Sales, purchases and accounting count only where they are installed.
        optional = {"sale.order.line", "purchase.order.line", "account.move.line"}
        self.assertEqual(
            set(models),
            {"stock.move", "stock.move.line", "stock.quant", "stock.lot"}
            | {model for model in optional if model in self.env})

    def partner(self):
        return self.env["res.partner"].create({"name": "Vendor"})
