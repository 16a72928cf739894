from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serials_missing = fields.Boolean(
        compute="_compute_serials_missing",
        help="Some serialized units of this transfer have no serial number yet.")

    serial_lot_count = fields.Integer(compute="_compute_serial_lot_count")

    @api.depends("move_line_ids.lot_id")
    def _compute_serial_lot_count(self):
        for picking in self:
            picking.serial_lot_count = len(picking._serial_lots())

    def _serial_lots(self):
        return self.move_line_ids.filtered(
            lambda line: line.product_id.tracking == "serial").lot_id

    def action_print_serial_labels(self):
        """Labels of the serials entered on this transfer (received or not yet)."""
        self.ensure_one()
        lines = self.move_line_ids.filtered(
            lambda line: line.product_id.tracking == "serial" and (line.lot_id or line.lot_name))
        return self.env["stock.serial.label.print"].action_open(
            [(line.product_id, line.lot_id.name or line.lot_name) for line in lines])

    def action_view_serials(self):
        """The serials of this transfer and, for each, where it is now."""
        self.ensure_one()
        return self.env["stock.lot"]._serials_action(
            [("id", "in", self._serial_lots().ids)],
            self.env._("Serials of %s", self.name))

    @api.depends("move_ids.serials_complete", "state")
    def _compute_serials_missing(self):
        for picking in self:
            picking.serials_missing = picking.state not in ("draft", "done", "cancel") and any(
                not move.serials_complete for move in picking.move_ids
                if move.state not in ("done", "cancel"))

    def action_open_serial_entry(self):
        """Open the serial dialog on the first serialized move still missing serials."""
        self.ensure_one()
        move = self.move_ids.filtered(
            lambda m: not m.serials_complete and m.state not in ("done", "cancel"))[:1]
        return move.action_open_serial_entry() if move else False

    def _sanity_check(self, separate_pickings=True):
        # Before Odoo's generic "supply a Lot/Serial number": say how many serials each
        # product lacks (a UserError, which the web client offers to fix with the dialog).
        # Only the lines that will be validated count: the picked ones if any (the rest
        # goes to a backorder), else all (Odoo then picks them all).
        to_check = self.env["stock.move.line"]
        for picking in self:
            lines = picking.move_line_ids.filtered(
                lambda line: line.state not in ("done", "cancel"))
            to_check |= lines.filtered("picked") or lines
        to_check._raise_serial_shortages()
        return super()._sanity_check(separate_pickings=separate_pickings)

    # -- Validation in the background past a threshold -----------------------------------
    # Read when shown, never stored: a job's progress changes outside the transfer.
    serial_validation_id = fields.Many2one(
        "stock.serial.validation", compute="_compute_serial_validation",
        string="Background validation")
    serial_validation_state = fields.Selection(
        [("queued", "Queued"), ("running", "Validating"), ("done", "Done"),
         ("failed", "Failed")], string="Background Validation Status",
        compute="_compute_serial_validation")
    serial_validation_progress = fields.Integer(string="Background Validation Progress",
                                                compute="_compute_serial_validation")
    serial_validation_error = fields.Text(string="Background Validation Failure",
                                          compute="_compute_serial_validation")
    # Stored on the transfer, so that the lock costs no query on every write.
    serial_validation_locked = fields.Boolean(
        string="Locked by Background Validation", copy=False, readonly=True)

    def _compute_serial_validation(self):
        latest = {}
        for job in self.env["stock.serial.validation"].search(  # newest first
                [("picking_id", "in", self.ids)]):
            latest.setdefault(job.picking_id, job)
        for picking in self:
            job = latest.get(picking, self.env["stock.serial.validation"])
            picking.serial_validation_id = job
            picking.serial_validation_state = job.state
            picking.serial_validation_progress = job.progress
            picking.serial_validation_error = job.error

    def _serial_unit_count(self):
        self.ensure_one()
        return len(self.move_line_ids.filtered(
            lambda line: line.product_id.tracking == "serial" and line.quantity > 0))

    def _check_serial_validation_lock(self):
        """While validated in the background, a transfer cannot change (but by the job)."""
        locked = self.filtered("serial_validation_locked")
        if locked and not self.env.context.get("serial_validation_job_id"):
            job = locked[0].serial_validation_id
            raise UserError(self.env._(
                "%(transfer)s is being validated in the background (%(count)s serials): it "
                "cannot be changed until that ends.",
                transfer=locked[0].name, count=job.serial_count))

    def write(self, vals):
        self._check_serial_validation_lock()
        return super().write(vals)

    def _action_done(self):
        if self.env.context.get("serial_validation_job_id"):
            return super()._action_done()
        self._check_serial_validation_lock()
        threshold = self.env["stock.serial.validation"]._threshold()
        large = self.filtered(lambda picking: picking._serial_unit_count() > threshold)
        if large:
            self.env["stock.serial.validation"]._queue(
                large, cancel_backorder=self.env.context.get("cancel_backorder"))
        if self - large:
            return super(StockPicking, self - large)._action_done()
        return True

    def button_validate(self):
        result = super().button_validate()
        queued = self.filtered("serial_validation_locked")
        if queued and result is True:
            return {
                "type": "ir.actions.client", "tag": "display_notification",
                "params": {
                    "type": "info", "sticky": False,
                    "message": self.env._(
                        "%(transfers)s: the validation runs in the background. You will be "
                        "notified in the chatter when it is done.",
                        transfers=", ".join(queued.mapped("name"))),
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return result
