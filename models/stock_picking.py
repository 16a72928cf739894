from odoo import api, fields, models


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
