import contextvars
import logging
from contextlib import contextmanager

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.addons.queue_job.job import Job

_logger = logging.getLogger(__name__)

BACKGROUND_THRESHOLD_PARAM = "stock_serial_tracking.background_validation_threshold"
DEFAULT_BACKGROUND_THRESHOLD = 20_000
JOB_CHANNEL = "root.serial_validation"

# The background validation this thread runs now, as (validation id, picking ids): set
# by the job itself around the validation, never taken from a request, so that nothing a
# client sends (context, values) lifts a transfer's lock or writes a job's progress.
_running = contextvars.ContextVar("stock_serial_tracking_running_validation", default=None)

# A queue_job state -> what the transfer shows.
JOB_STATES = {
    "wait_dependencies": "queued", "pending": "queued", "enqueued": "queued",
    "started": "running", "done": "done", "failed": "failed", "cancelled": "failed",
}
ACTIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


def running_validation_pickings():
    """Ids of the transfers that this thread's background validation may change."""
    running = _running.get()
    return running[1] if running else frozenset()


class StockSerialValidation(models.Model):
    """A request to validate a transfer with many serials in the background.

    Past the threshold a validation takes longer than a browser request may: the user's
    click queues a job of OCA's queue_job, which runs it in a worker of its own, as that
    user, all or nothing, while the transfer stays locked. Its state is the job's (retried
    on concurrency errors, requeued when its worker dies); the only value written here
    while it runs is the progress, from a cursor of its own, and the job's transaction
    never writes this row, so the two never conflict.
    """

    _name = "stock.serial.validation"
    _description = "Background validation of a serialized transfer"
    _order = "id desc"

    picking_id = fields.Many2one("stock.picking", string="Transfer", required=True, index=True,
                                 readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="picking_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested by", required=True, readonly=True)
    job_id = fields.Many2one("queue.job", readonly=True, ondelete="set null",
                             index="btree_not_null")
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Validating"), ("done", "Done"),
         ("failed", "Failed")], string="Status", compute="_compute_state")
    progress = fields.Integer(string="Progress (%)", readonly=True,
                              help="Percentage of the validation done.")
    serial_count = fields.Integer(string="Serials", readonly=True)
    cancel_backorder = fields.Boolean(string="Without Backorder", readonly=True,
                                      help="The user chose not to keep a backorder.")
    error = fields.Text(string="Failure", compute="_compute_state",
                        help="Why the validation failed; the transfer was left as it was.")

    def _compute_state(self):
        for validation in self:
            job = validation.sudo().job_id
            if job:
                validation.state = JOB_STATES[job.state]
                validation.error = job.exc_message or job.exc_info if job.state in (
                    "failed", "cancelled") else False
            else:
                # Done jobs are vacuumed by queue_job after some days; the transfer tells.
                validation.state = "done" if validation.picking_id.state == "done" else "failed"
                validation.error = False

    def _is_active(self):
        return self.sudo().job_id.filtered(lambda job: job.state in ACTIVE_JOB_STATES)

    @api.model
    def _threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_THRESHOLD_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_BACKGROUND_THRESHOLD
        except ValueError:
            return DEFAULT_BACKGROUND_THRESHOLD

    @api.model
    def _queue(self, pickings, cancel_backorder):
        """Queue the validation of `pickings`, one job each, run as the current user."""
        # Nobody creates these records but this method (no create right): the requester is
        # who asked, the job runs as them.
        validations = self.sudo().create([{
            "picking_id": picking.id, "user_id": self.env.uid,
            "serial_count": picking._serial_unit_count(),
            "cancel_backorder": bool(cancel_backorder)} for picking in pickings])
        # A client's context must not run the job inside its request instead.
        requester = self.env(su=False, context={
            **self.env.context, "queue_job__no_delay": False})
        for validation in validations:
            picking = validation.picking_id
            job = validation.with_env(requester).with_company(picking.company_id).with_delay(
                channel=JOB_CHANNEL,
                description=self.env._("Validate %(transfer)s (%(count)s serials)",
                                       transfer=picking.name, count=validation.serial_count),
            )._validate()
            validation.job_id = job.db_record()
            picking.message_post(body=self.env._(
                "Validation of %(count)s serials queued: it runs in the background; the "
                "transfer is locked until it ends.", count=validation.serial_count))
        with self._running_as(self.browse(), pickings):
            pickings.serial_validation_locked = True
        return validations

    @contextmanager
    def _running_as(self, validation, pickings):
        token = _running.set((validation.id, frozenset(pickings.ids)))
        try:
            yield
        finally:
            _running.reset(token)

    def _validate(self):
        """The job: validate the transfer as its requester, all or nothing (queue_job runs
        it in a savepoint, marks it done in the same transaction, or failed and calls
        `_on_validation_failed`)."""
        self.ensure_one()
        picking = self.picking_id.with_context(cancel_backorder=self.cancel_backorder)
        with self._running_as(self, picking):
            picking._action_done()
            picking.serial_validation_locked = False
        picking.message_post(
            body=self.env._("%(count)s serials validated in the background.",
                            count=self.serial_count),
            partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")
        return self.env._("%(transfer)s validated: %(count)s serials.",
                          transfer=picking.name, count=self.serial_count)

    def _on_validation_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """queue_job's hook once the job failed for good, from a cursor of its own after
        the validation was undone: tell the requester why, unlock the transfer.

        A database connection cut under the job (PostgreSQL restarted, a failover) is no
        fault of the validation: the job is run again, within its retries.
        """
        self.ensure_one()
        job_record = self.sudo().job_id
        if (exc_name or "").startswith("psycopg2.") and job_record and (
                not job_record.max_retries or job_record.retry < job_record.max_retries):
            job = Job.load(self.env, job_record.uuid)
            job.set_pending(reset_retry=False)
            job.store()
            _logger.warning("Background validation %s: the database connection was lost "
                            "(%s); the job runs again", self.id, exc_message)
            return
        picking = self.sudo().picking_id
        with self._running_as(self, picking):
            picking.serial_validation_locked = False
        picking.message_post(
            body=self.env._("The background validation failed; nothing was changed:\n%s",
                            exc_message or exc_name or self.env._("unknown error")),
            partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")

    @api.model
    def _report_progress(self, percent):
        """Show how far the running validation got, from a cursor of its own: the
        validation's transaction commits only at the end, and never writes this row."""
        running = _running.get()
        if not running or not running[0]:
            return
        try:
            with self.env.registry.cursor() as cr:
                # Never wait: a lock on the row means it is being written; skip this step.
                cr.execute("SET LOCAL lock_timeout = '1s'")
                cr.execute("UPDATE stock_serial_validation SET progress = %s WHERE id = %s",
                           (percent, running[0]))
        except LockNotAvailable:
            _logger.info("Progress of background validation %s not shown: row busy", running[0])
