import logging

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

BACKGROUND_THRESHOLD_PARAM = "stock_serial_tracking.background_validation_threshold"
DEFAULT_BACKGROUND_THRESHOLD = 20_000


class StockSerialValidation(models.Model):
    """The validation of a transfer with many serials, run by a scheduled action.

    Past the threshold a validation takes longer than a browser request may: the user's
    click queues it and the cron runs it at once, all or nothing, in one transaction,
    while the transfer stays locked. The user is told in the transfer's chatter.
    """

    _name = "stock.serial.validation"
    _description = "Background validation of a serialized transfer"
    _order = "id desc"

    picking_id = fields.Many2one("stock.picking", string="Transfer", required=True, index=True,
                                 ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Requested by", required=True,
                              default=lambda self: self.env.user)
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Validating"), ("done", "Done"),
         ("failed", "Failed")], string="Status", default="queued", required=True)
    progress = fields.Integer(string="Progress (%)", help="Percentage of the validation done.")
    serial_count = fields.Integer(string="Serials")
    cancel_backorder = fields.Boolean(string="Without Backorder",
                                      help="The user chose not to keep a backorder.")
    error = fields.Text(string="Failure", help="Why the validation failed; the transfer was left "
                        "as it was.")

    @api.model
    def _threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_THRESHOLD_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_BACKGROUND_THRESHOLD
        except ValueError:
            return DEFAULT_BACKGROUND_THRESHOLD

    @api.model
    def _queue(self, pickings, cancel_backorder):
        jobs = self.create([{
            "picking_id": picking.id, "serial_count": picking._serial_unit_count(),
            "cancel_backorder": bool(cancel_backorder)} for picking in pickings])
        pickings.with_context(serial_validation_job_id=jobs.ids).serial_validation_locked = True
        for job in jobs:
            job.picking_id.message_post(body=self.env._(
                "Validation of %(count)s serials queued: it runs in the background; the "
                "transfer is locked until it ends.", count=job.serial_count))
        self.env.ref("stock_serial_tracking.ir_cron_serial_validation")._trigger()
        return jobs

    @api.model
    def _run_queued(self):
        """The scheduled action: each queued validation in a transaction of its own."""
        cron = self.env["ir.cron"]
        jobs = self.search([("state", "=", "queued")], order="id")
        cron._commit_progress(remaining=len(jobs))
        for job in jobs:
            job.state = "running"
            cron._commit_progress()  # the transfer shows "Validating" while it runs
            job._run()
            cron._commit_progress(1)

    def _run(self):
        """Validate the transfer as its requester, all or nothing; say how it went."""
        self.ensure_one()
        picking = self.picking_id.with_user(self.user_id).with_context(
            serial_validation_job_id=self.id, cancel_backorder=self.cancel_backorder)
        try:
            with self.env.cr.savepoint():
                picking._action_done()
        except Exception as error:  # noqa: BLE001 -- whatever failed, the user must know why
            # The savepoint undid the whole validation; the transfer is editable again.
            self.env.invalidate_all()
            self.write({"state": "failed", "progress": 0, "error": str(error)})
            body = self.env._("The background validation failed; nothing was changed:\n%s",
                              str(error))
        else:
            self.write({"state": "done", "progress": 100})
            body = self.env._("%(count)s serials validated in the background.",
                              count=self.serial_count)
        self.picking_id.invalidate_recordset()  # its job's state is read, not stored
        self.picking_id.with_context(
            serial_validation_job_id=self.id).serial_validation_locked = False
        self.picking_id.message_post(body=body, partner_ids=self.user_id.partner_id.ids,
                                     subtype_xmlid="mail.mt_comment")

    @api.model
    def _report_progress(self, percent):
        """Show how far the running validation got, from a cursor of its own: the
        validation's transaction commits only at the end."""
        job_id = self.env.context.get("serial_validation_job_id")
        if not job_id:
            return
        try:
            with self.env.registry.cursor() as cr:
                # Never wait: a lock on the row means it is being written; skip this step.
                cr.execute("SET LOCAL lock_timeout = '1s'")
                cr.execute("UPDATE stock_serial_validation SET progress = %s WHERE id = %s",
                           (percent, job_id))
        except LockNotAvailable:
            _logger.info("Progress of background validation %s not shown: row busy", job_id)
