from odoo import api, fields, models
from odoo.exceptions import UserError

from .arguments import check_bool, check_id, check_optional_id, check_text
from .set_wise import set_wise_flushes
from .stock_serial_validation import running_validation_pickings


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serials_missing = fields.Boolean(
        compute="_compute_serials_missing",
        help="Some serialized units of this transfer have no serial number yet.")

    serial_lot_count = fields.Integer(compute="_compute_serial_lot_count")
    has_serial_moves = fields.Boolean(
        compute="_compute_serial_entries",
        help="Serialized units remain to be received or shipped on this transfer.")
    serials_entered = fields.Boolean(
        compute="_compute_serial_entries",
        help="Serials are entered on this transfer (received or not yet): labels can print.")

    @api.depends("move_line_ids.lot_id")
    def _compute_serial_lot_count(self):
        for picking in self:
            picking.serial_lot_count = len(picking._serial_lots())

    @api.depends("move_ids.has_tracking", "move_ids.state", "move_line_ids.lot_id",
                 "move_line_ids.lot_name")
    def _compute_serial_entries(self):
        for picking in self:
            picking.has_serial_moves = any(
                move.has_tracking == "serial" and move.state not in ("draft", "done", "cancel")
                for move in picking.move_ids)
            picking.serials_entered = any(
                line.product_id.tracking == "serial" and (line.lot_id or line.lot_name)
                for line in picking.move_line_ids)

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
        """Open the serial dialog on the first serialized move still missing serials, or
        on the first serialized move (to change serials Odoo reserved or already entered)."""
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda m: m.has_tracking == "serial" and m.state not in ("draft", "done", "cancel"))
        move = moves.filtered(lambda m: not m.serials_complete)[:1] or moves[:1]
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
        for validation in self.env["stock.serial.validation"].search(  # newest first
                [("picking_id", "in", self.ids)]):
            latest.setdefault(validation.picking_id, validation)
        for picking in self:
            validation = latest.get(picking, self.env["stock.serial.validation"])
            picking.serial_validation_id = validation
            picking.serial_validation_state = validation.state
            picking.serial_validation_progress = (
                100 if validation.state == "done" else validation.progress)
            picking.serial_validation_error = validation.error

    def _serial_unit_count(self):
        self.ensure_one()
        return len(self.move_line_ids.filtered(
            lambda line: line.product_id.tracking == "serial" and line.quantity > 0))

    def _check_serial_validation_lock(self):
        """While validated in the background, a transfer, its moves and its lines cannot
        change, whoever asks, but by its own job.

        The stored flag spares a query on every write; a job that failed, or was cancelled
        by a job manager, leaves the transfer unlocked even before its flag is cleared.
        """
        flagged = self.filtered("serial_validation_locked")
        if not flagged:
            return
        flagged -= flagged.browse(running_validation_pickings())
        if not flagged:
            return
        validations = self.env["stock.serial.validation"].sudo().search(
            [("picking_id", "in", flagged.ids)])
        active = validations.filtered(lambda validation: validation._is_active())
        if active:
            validation = active[0]
            raise UserError(self.env._(
                "%(transfer)s is being validated in the background (%(count)s serials): it "
                "cannot be changed until that ends.",
                transfer=validation.picking_id.name, count=validation.serial_count))

    def write(self, vals):
        self._check_serial_validation_lock()
        return super().write(vals)

    def unlink(self):
        self._check_serial_validation_lock()
        return super().unlink()

    def action_cancel(self):
        self._check_serial_validation_lock()
        return super().action_cancel()

    def _action_done(self):
        running = self.browse(running_validation_pickings())
        if self <= running:  # this transfer's own background job
            return self._action_done_and_serial_history()
        self._check_serial_validation_lock()
        threshold = self.env["stock.serial.validation"]._threshold()
        large = self.filtered(lambda picking: picking._serial_unit_count() > threshold)
        if large:
            self.env["stock.serial.validation"]._queue(
                large, cancel_backorder=self.env.context.get("cancel_backorder"))
        if self - large:
            return (self - large)._action_done_and_serial_history()
        return True

    def _action_done_and_serial_history(self):
        with set_wise_flushes(self.env):
            result = super()._action_done()
            # Once every line is done: the statuses and dates of the serials moved, in one
            # call.
            self.env["stock.lot"]._compute_serial_history_at_once()
        return result

    def button_validate(self):
        with set_wise_flushes(self.env):  # Validate marks every line picked, then validates
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

    # -- Scanner screen (UI endpoints) ---------------------------------------------------
    # The screen sends each scan here and shows the answer; every rule is the moves' own
    # (`_check_serial_entry` through `_check_scanned_serial`, `_write_serial_lines`,
    # `button_validate`). Refusals come back as data, never as an exception: a scanner
    # user must hear "refused" and go on scanning. Arguments the screen never sends (not
    # text, not an id, several transfers or none, a line of another transfer) are the
    # client's programming error: raised as a UserError naming what was expected.

    def _check_one_transfer(self, method):
        if len(self) != 1:
            raise UserError(self.env._(
                "%(method)s works on one transfer at a time, got %(count)s.",
                method=method, count=len(self)))

    def _own_move(self, method, move_id):
        """The move `move_id` of this transfer; UserError for another transfer's or none."""
        move = self.move_ids.browse(move_id)
        if move not in self.move_ids:
            raise UserError(self.env._(
                "%(method)s: the move %(move)s is not on %(transfer)s; only the transfer's "
                "own lines can change.", method=method, move=move_id, transfer=self.name))
        return move

    def action_open_serial_scan(self):
        self.ensure_one()
        return self.env["stock.picking.type"]._serial_scan_action({"picking_id": self.id})

    @api.model
    def serial_scan_transfers(self, picking_type_id=False):
        """The open transfers with serialized units, for the screen's first page."""
        check_optional_id(self.env, "serial_scan_transfers", "picking_type_id", picking_type_id)
        domain = [("state", "in", ("confirmed", "waiting", "assigned")),
                  ("move_ids.has_tracking", "=", "serial")]
        if picking_type_id:
            domain.append(("picking_type_id", "=", picking_type_id))
        pickings = self.search(domain, order="scheduled_date, id", limit=80)
        return [{"id": picking.id, "name": picking.name,
                 "partner": picking.partner_id.display_name or "",
                 "type": picking.picking_type_id.display_name,
                 "code": picking.picking_type_code} for picking in pickings]

    @api.model
    def serial_scan_find_transfer(self, barcode):
        """The id of the open transfer whose reference was scanned, or an answer why not
        (an empty scan, control characters, no such transfer, a done one)."""
        check_text(self.env, "serial_scan_find_transfer", "barcode", barcode)
        try:
            self.env["stock.serial.input.mixin"]._check_scan(barcode)
        except UserError as error:
            return {"ok": False, "message": error.args[0]}
        picking = self.search([("name", "=", barcode.strip())], limit=1)
        if not picking:
            return {"ok": False, "message": self.env._(
                "%s is not a transfer reference: scan the barcode of a transfer.", barcode)}
        if picking.state in ("done", "cancel"):
            return {"ok": False, "message": self.env._("%s is already done.", picking.name)}
        return {"ok": True, "picking_id": picking.id}

    def serial_scan_state(self):
        """What the screen shows of the transfer: one card per move, serials counted."""
        self._check_one_transfer("serial_scan_state")
        lines = []
        for move in self.move_ids.filtered(lambda m: m.state != "cancel"):
            scanned = move._scanned_serials() if move.has_tracking == "serial" else []
            lines.append({
                "move_id": move.id,
                "product": move.product_id.display_name,
                "barcode": move.product_id.barcode or "",
                "serialized": move.has_tracking == "serial",
                "done": len(scanned),
                "expected": move._serial_units(),
                "last_serials": scanned[-3:][::-1],
            })
        return {"id": self.id, "name": self.name, "state": self.state,
                "partner": self.partner_id.display_name or "",
                "code": self.picking_type_code, "lines": lines}

    def serial_scan(self, barcode, move_id=False):
        """Handle one scan on this transfer: a product (selects its line) or a serial,
        plain or GS1 (added to its line and written at once).

        Returns {ok, message, move_id, serial, transfer}; nothing is written when the
        scan is refused. What a scanner can send is answered, never raised: a refused
        serial, an empty or unreadable scan (blank, FNC1 or a GS1 prefix alone, a GS1
        barcode with an empty serial). What the screen never sends is raised as a
        UserError: a `barcode` that is not text, a `move_id` that is not an id of this
        transfer's moves (or False), several transfers or none.
        """
        self._check_one_transfer("serial_scan")
        check_text(self.env, "serial_scan", "barcode", barcode)
        check_optional_id(self.env, "serial_scan", "move_id", move_id)
        selected = self._own_move("serial_scan", move_id) if move_id else self.move_ids.browse()
        try:
            with self.env.cr.savepoint():
                answer = self._serial_scan(barcode, selected)
        except UserError as error:
            answer = {"ok": False, "message": error.args[0], "move_id": move_id}
        return {**answer, "transfer": self.serial_scan_state()}

    def _serial_scan(self, barcode, selected):
        if self.state in ("draft", "done", "cancel"):
            raise UserError(self.env._("%s cannot be scanned: it is not in progress.",
                                       self.name))
        input_mixin = self.env["stock.serial.input.mixin"]
        input_mixin._check_scan(barcode)
        scan = barcode.strip()
        moves = self.move_ids.filtered(
            lambda m: m.has_tracking == "serial" and m.state not in ("done", "cancel"))
        product_move = self.move_ids.filtered(
            lambda m: m.product_id.barcode and m.product_id.barcode == scan)[:1]
        if product_move:
            if product_move not in moves:
                raise UserError(self.env._(
                    "%s is not a serialized product: count it on the transfer form.",
                    product_move.product_id.display_name))
            return {"ok": True, "move_id": product_move.id, "message": self.env._(
                "%s: scan its serials", product_move.product_id.display_name)}
        # GS1 is read from the scan as it came: a leading FNC1 says it is GS1.
        elements = input_mixin._gs1_elements(barcode)
        if elements and elements.get("01"):
            gtin = elements["01"].zfill(14)
            move = moves.filtered(lambda m: (m.product_id.barcode or "").zfill(14) == gtin)[:1]
            if not move:
                raise UserError(self.env._(
                    "The scanned GS1 barcode is for the GTIN %(gtin)s, which is not on "
                    "%(transfer)s.", gtin=elements["01"], transfer=self.name))
        else:
            move = self._serial_scan_move(scan, moves, selected)
        serial = input_mixin._serial_for_product(barcode, move.product_id)
        move._add_scanned_serial(serial)
        return {"ok": True, "move_id": move.id, "serial": serial, "message": self.env._(
            "%(serial)s: %(product)s %(done)s/%(expected)s", serial=serial,
            product=move.product_id.display_name, done=len(move._scanned_serials()),
            expected=move._serial_units())}

    def _serial_scan_move(self, serial, moves, selected):
        """The line a plain serial goes to: the one selected (by its product's scan), the
        only serialized one, or the one whose product has this serial in stock."""
        if selected and selected in moves:
            return selected
        if len(moves) == 1:
            return moves
        if not moves:
            raise UserError(self.env._("%s has no serialized units left to scan.", self.name))
        owners = self.env["stock.lot"].search_fetch(
            [("name", "=", serial), ("product_id", "in", moves.product_id.ids)], ["product_id"])
        move = moves.filtered(lambda m: m.product_id in owners.product_id)
        if len(move) == 1:
            return move
        raise UserError(self.env._("Scan the product first: %s has several serialized "
                                   "products.", self.name))

    def serial_scan_undo(self, move_id, serial):
        """Take the serial of the last scan off its line, a move of this transfer.

        A serial not on the line is answered (nothing changes); a `move_id` that is not
        one of this transfer's moves, or a `serial` that is not text, is raised (see
        `serial_scan`).
        """
        self._check_one_transfer("serial_scan_undo")
        check_text(self.env, "serial_scan_undo", "serial", serial)
        check_id(self.env, "serial_scan_undo", "move_id", move_id)
        move = self._own_move("serial_scan_undo", move_id)
        try:
            with self.env.cr.savepoint():
                move._remove_scanned_serial(serial)
            answer = {"ok": True, "message": self.env._("%s taken off", serial)}
        except UserError as error:
            answer = {"ok": False, "message": error.args[0]}
        return {**answer, "transfer": self.serial_scan_state()}

    def serial_scan_validate(self, backorder=False):
        """Validate what was scanned. With units left and no `backorder` yet, ask first;
        with it, the rest goes to a backorder (Odoo's own). A done or cancelled transfer
        is answered: it cannot be validated (again).

        Odoo's validation may answer with an action instead (a question such as stock_sms's
        confirmation, a report to print): it comes back as `action`, for the screen to run,
        and `done` says whether the transfer is done yet. "validated" is said only then.
        """
        self._check_one_transfer("serial_scan_validate")
        check_bool(self.env, "serial_scan_validate", "backorder", backorder)
        if self.state in ("done", "cancel"):
            return {"ok": False, "transfer": self.serial_scan_state(), "message": self.env._(
                "%s is already done: there is nothing left to validate.", self.name)
                if self.state == "done" else self.env._(
                "%s is cancelled: it cannot be validated.", self.name)}
        left = sum(max(line["expected"] - line["done"], 0)
                   for line in self.serial_scan_state()["lines"] if line["serialized"])
        if left and not backorder:
            return {"ok": False, "confirm": "backorder", "message": self.env._(
                "Units still without a serial: %s. Validate again to keep them in a backorder.",
                left), "transfer": self.serial_scan_state()}
        try:
            with self.env.cr.savepoint():
                result = self.with_context(skip_backorder=True,
                                           picking_ids_not_to_backorder=[]).button_validate()
        except UserError as error:
            return {"ok": False, "message": error.args[0], "transfer": self.serial_scan_state()}
        if self.serial_validation_locked:
            return {"ok": True, "done": False, "transfer": self.serial_scan_state(),
                    "message": self.env._(
                        "%s: the validation runs in the background; the transfer's chatter "
                        "tells when it is done.", self.name)}
        action = result if isinstance(result, dict) else None
        if self.state != "done":
            return {"ok": None, "done": False, "action": action,
                    "transfer": self.serial_scan_state(),
                    "message": self.env._("%s: Odoo asks a question before validating.",
                                          self.name)
                    if action else self.env._("%s was not validated.", self.name)}
        return {**self._serial_scan_validated_answer(), "action": action}

    def serial_scan_after_question(self):
        """The answer once the question Odoo asked on validation (see `serial_scan_validate`)
        is closed, whichever way: validated when the transfer is done, else not."""
        self._check_one_transfer("serial_scan_after_question")
        if self.state == "done":
            return self._serial_scan_validated_answer()
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        return {"ok": False, "done": False, "transfer": self.serial_scan_state(),
                "message": self.env._("%(transfer)s was not validated: it is still %(state)s.",
                                      transfer=self.name, state=state)}

    def _serial_scan_validated_answer(self):
        follow_up = self.search([("backorder_id", "=", self.id)], limit=1)
        return {"ok": True, "done": True, "transfer": self.serial_scan_state(),
                "message": self.env._("%(transfer)s validated; the rest is in %(backorder)s.",
                                      transfer=self.name, backorder=follow_up.name)
                if follow_up else self.env._("%s validated.", self.name)}
