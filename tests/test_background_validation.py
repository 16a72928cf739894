from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.stock_serial_validation import BACKGROUND_THRESHOLD_PARAM
from .common import SerialCase


@tagged("post_install", "-at_install")
class TestBackgroundValidation(SerialCase):
    """Past the threshold (2 serials here), Validate queues the job and locks the transfer."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param(BACKGROUND_THRESHOLD_PARAM, "2")
        self.cron = self.env.ref("stock_serial_tracking.ir_cron_serial_validation")

    def receipt_with_serials(self, serials):
        receipt = self.create_receipt(self.serial_product, len(serials.split(",")))
        receipt.move_ids.set_serials_from_text(serials)
        return receipt

    def test_queued_locked_then_validated_and_user_notified(self):
        receipt = self.receipt_with_serials("BG1, BG2, BG3")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        action = receipt.button_validate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_validation_state, "queued")
        self.assertEqual(receipt.serial_validation_id.serial_count, 3)
        self.assertEqual(self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.cron.id)]), triggers + 1, "the cron runs at once")
        with self.assertRaisesRegex(UserError, "being validated in the background"):
            receipt.write({"origin": "edited meanwhile"})
        with self.assertRaisesRegex(UserError, "being validated in the background"):
            receipt.button_validate()

        receipt.serial_validation_id._run()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.serial_validation_state, "done")
        self.assertEqual(receipt.serial_validation_progress, 100)
        self.assertEqual(sorted(receipt.move_line_ids.lot_id.mapped("name")),
                         ["BG1", "BG2", "BG3"])
        message = receipt.message_ids[0]
        self.assertIn("3 serials validated in the background", message.body)
        self.assertEqual(message.partner_ids, self.env.user.partner_id)
        receipt.write({"origin": "editable again"})

    def test_failure_changes_nothing_and_unlocks(self):
        receipt = self.receipt_with_serials("BG4, BG5, BG6")
        receipt.button_validate()
        # Meanwhile BG5 is counted in stock: the job must refuse it, wholly.
        lot = self.env["stock.lot"].create({"name": "BG5", "product_id": self.serial_product.id})
        self.env["stock.quant"]._update_available_quantity(
            self.serial_product, self.stock_location, 1, lot_id=lot)
        receipt.serial_validation_id._run()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_validation_state, "failed")
        self.assertIn("BG5", receipt.serial_validation_error)
        self.assertFalse(self.env["stock.lot"].search([("name", "in", ["BG4", "BG6"])]))
        self.assertIn("nothing was changed", receipt.message_ids[0].body)
        receipt.write({"origin": "editable again"})

    def test_below_the_threshold_validates_at_once(self):
        receipt = self.receipt_with_serials("BG7, BG8")
        self.assertIs(receipt.button_validate(), True)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_validation_id)

    def test_cron_runs_the_queue(self):
        receipt = self.receipt_with_serials("BG9, BG10, BG11")
        receipt.button_validate()
        # What the scheduler calls; committing is left out in a test transaction.
        self.patch(self.env.cr, "commit", lambda: None)
        self.env["stock.serial.validation"]._run_queued()
        self.assertEqual(receipt.state, "done")
