from odoo.addons.queue_job.job import Job
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.stock_serial_validation import BACKGROUND_THRESHOLD_PARAM, JOB_CHANNEL
from .common import SerialCase


@tagged("post_install", "-at_install")
class TestBackgroundValidation(SerialCase):
    """Past the threshold (2 serials here), Validate queues a queue_job job and locks the
    transfer on every path. The job through the real job runner, a killed worker and a
    restarted PostgreSQL are tested from outside (e2e/test_background_jobs.py); here, what
    one transaction can show: the queueing, the lock, the access rules, the job's work."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param(BACKGROUND_THRESHOLD_PARAM, "2")

    def receipt_with_serials(self, serials, user=None):
        receipt = self.create_receipt(self.serial_product, len(serials.split(",")))
        receipt.move_ids.set_serials_from_text(serials)
        return receipt.with_user(user) if user else receipt

    def perform(self, validation):
        """What queue_job's runner does with the job, in this transaction: load it as
        stored, perform it as its user, then mark it done."""
        job = Job.load(self.env, validation.sudo().job_id.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        self.env.invalidate_all()

    def test_queued_as_a_job_of_the_requester_and_locked_everywhere(self):
        receipt = self.receipt_with_serials("BG1, BG2, BG3", user=self.stock_user)
        action = receipt.button_validate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_validation_state, "queued")
        validation = receipt.serial_validation_id
        job = validation.sudo().job_id
        self.assertEqual((job.state, job.channel, job.user_id), (
            "pending", JOB_CHANNEL, self.stock_user))
        self.assertEqual((validation.serial_count, validation.user_id), (3, self.stock_user))
        move = receipt.move_ids
        locked = "being validated in the background"
        attempts = {
            "edit the transfer": lambda: receipt.write({"origin": "edited meanwhile"}),
            "validate again": receipt.button_validate,
            "cancel": receipt.action_cancel,
            "delete": receipt.unlink,
            "enter serials": lambda: move.set_serials_from_text("BGX"),
            "scan": lambda: move._add_scanned_serial("BGY"),
            "edit a move": lambda: move.write({"product_uom_qty": 1}),
            "add a move": lambda: self.env["stock.move"].create({
                "picking_id": receipt.id, "product_id": self.plain_product.id,
                "product_uom_qty": 1, "location_id": receipt.location_id.id,
                "location_dest_id": receipt.location_dest_id.id}),
            "delete a move": move.unlink,
            "edit a line": lambda: move.move_line_ids[0].write({"lot_name": "BGZ"}),
            "delete a line": move.move_line_ids[0].unlink,
            "add a line": lambda: self.env["stock.move.line"].create({
                "move_id": move.id, "product_id": self.serial_product.id,
                "lot_name": "BGW", "quantity": 1,
                "location_id": receipt.location_id.id,
                "location_dest_id": receipt.location_dest_id.id}),
            # What a client could send to lift the lock.
            "with a context key": lambda: receipt.with_context(
                serial_validation_job_id=validation.id).write({"origin": "x"}),
            "by clearing the flag": lambda: receipt.write(
                {"serial_validation_locked": False}),
        }
        for what, attempt in attempts.items():
            with self.subTest(what), self.assertRaisesRegex(UserError, locked):
                attempt()
        # The scanner answers the refusal as data.
        answer = receipt.serial_scan("BGV")
        self.assertFalse(answer["ok"])
        self.assertIn(locked, answer["message"])
        self.assertEqual(sorted(move.move_line_ids.mapped("lot_name")), ["BG1", "BG2", "BG3"])

        self.perform(validation)
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.serial_validation_state, "done")
        self.assertEqual(receipt.serial_validation_progress, 100)
        self.assertFalse(receipt.serial_validation_locked)
        self.assertEqual(sorted(receipt.move_line_ids.lot_id.mapped("name")),
                         ["BG1", "BG2", "BG3"])
        self.assertEqual(receipt.move_line_ids.lot_id.create_uid, self.stock_user,
                         "the job ran as its requester")
        message = receipt.message_ids[0]
        self.assertIn("3 serials validated in the background", message.body)
        self.assertEqual(message.partner_ids, self.stock_user.partner_id)
        receipt.write({"origin": "editable again"})

    def test_failure_changes_nothing_tells_why_and_unlocks(self):
        receipt = self.receipt_with_serials("BG4, BG5, BG6")
        receipt.button_validate()
        validation = receipt.serial_validation_id
        # Meanwhile BG5 is counted in stock: the job must refuse it, wholly.
        lot = self.env["stock.lot"].create({"name": "BG5", "product_id": self.serial_product.id})
        self.env["stock.quant"]._update_available_quantity(
            self.serial_product, self.stock_location, 1, lot_id=lot)
        job = Job.load(self.env, validation.sudo().job_id.uuid)
        job.set_started()
        with self.assertRaisesRegex(UserError, "BG5"), self.env.cr.savepoint():
            job.perform()
        # What queue_job's runner records, then its failure hook.
        job.set_failed(exc_name="odoo.exceptions.ValidationError",
                       exc_message="BG5 is already in stock")
        job.store()
        job.on_fail({"exc_message": "BG5 is already in stock"})
        self.env.invalidate_all()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_validation_state, "failed")
        self.assertIn("BG5", receipt.serial_validation_error)
        self.assertFalse(receipt.serial_validation_locked)
        self.assertFalse(self.env["stock.lot"].search([("name", "in", ["BG4", "BG6"])]))
        self.assertIn("nothing was changed", receipt.message_ids[0].body)
        self.assertIn("BG5", receipt.message_ids[0].body)
        receipt.write({"origin": "editable again"})

    def test_a_failed_job_unlocks_even_before_its_hook(self):
        receipt = self.receipt_with_serials("BG12, BG13, BG14")
        receipt.button_validate()
        receipt.serial_validation_id.sudo().job_id.state = "failed"
        receipt.write({"origin": "editable: the job failed"})
        self.env.invalidate_all()  # read again, as the next request does
        self.assertEqual(receipt.serial_validation_state, "failed")

    def test_below_the_threshold_validates_at_once(self):
        receipt = self.receipt_with_serials("BG7, BG8")
        self.assertIs(receipt.button_validate(), True)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_validation_id)

    def test_a_client_context_does_not_run_the_job_in_its_request(self):
        receipt = self.receipt_with_serials("BG9, BG10, BG11")
        receipt.with_context(queue_job__no_delay=True).button_validate()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_validation_state, "queued")

    def test_nobody_creates_or_writes_validations_directly(self):
        receipt = self.receipt_with_serials("BG15, BG16, BG17")
        receipt.button_validate()
        validation = receipt.serial_validation_id.with_user(self.stock_user)
        validation.read(["state", "progress"])  # a stock user follows it
        with self.assertRaises(AccessError):
            validation.write({"progress": 100})
        with self.assertRaises(AccessError):
            self.env["stock.serial.validation"].with_user(self.stock_user).create({
                "picking_id": receipt.id, "user_id": self.env.ref("base.user_admin").id})
        with self.assertRaises(AccessError):
            self.env["queue.job"].with_user(self.stock_user).search([])

    def test_other_companies_do_not_see_the_job(self):
        receipt = self.receipt_with_serials("BG18, BG19, BG20")
        receipt.button_validate()
        other = self.env["res.company"].create({"name": "Other Serial Co"})
        outsider = self.env["res.users"].create({
            "name": "Outsider", "login": "serial_outsider", "company_id": other.id,
            "company_ids": [(6, 0, other.ids)],
            "group_ids": [(6, 0, self.env.ref("stock.group_stock_user").ids)]})
        self.assertFalse(self.env["stock.serial.validation"].with_user(outsider).search(
            [("picking_id", "=", receipt.id)]))
        self.assertTrue(self.env["stock.serial.validation"].with_user(self.stock_user).search(
            [("picking_id", "=", receipt.id)]))
