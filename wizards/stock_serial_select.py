from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class StockSerialSelect(models.TransientModel):
    """Choose the serials a delivery (or transfer) ships: tick, paste, type or scan."""

    _name = "stock.serial.select"
    _inherit = ["stock.serial.input.mixin"]
    _description = "Serial number selector"

    # Serials offered for ticking beyond the units to ship (the oldest first).
    EXTRA_CANDIDATES = 100

    location_id = fields.Many2one(related="move_id.location_id", string="Ships from")
    expected_qty = fields.Integer(string="Units to ship", compute="_compute_counts")
    selected_count = fields.Integer(compute="_compute_counts")
    line_ids = fields.One2many("stock.serial.select.line", "wizard_id", string="Available serials")
    messages_html = fields.Html(string="Messages", sanitize=False, readonly=True)

    @api.model
    def _defaults_for_move(self, move):
        expected = move._serial_units()
        chosen = move.move_line_ids.lot_id
        firm = move.move_line_ids.filtered(lambda line: line._is_firm_serial_choice()).lot_id
        quants = move._available_serial_quants(limit=expected + self.EXTRA_CANDIDATES)
        # The serials already reserved stay chosen; otherwise suggest the oldest (FIFO).
        # Only the firm choices are someone's: the others give way to what is pasted.
        suggested = chosen or quants[:expected].lot_id
        return {"line_ids": [Command.create({
            "lot_id": quant.lot_id.id, "location_id": quant.location_id.id,
            "in_date": quant.in_date, "selected": quant.lot_id in suggested,
            "tentative": quant.lot_id in suggested and quant.lot_id not in firm,
        }) for quant in quants.sorted(lambda q: q.lot_id not in chosen)]}

    @api.depends("line_ids.selected", "move_id.product_qty")
    def _compute_counts(self):
        for wizard in self:
            wizard.expected_qty = wizard.move_id._serial_units()
            wizard.selected_count = len(wizard.line_ids.filtered("selected"))

    @api.onchange("serials_text")
    def _onchange_serials_text(self):
        """Tick the serials typed, pasted or scanned; say why the others cannot ship."""
        if not (self.serials_text or "").strip():
            return
        check = self.move_id._check_serial_entry(self.serials_text, check_quantity=False)
        by_lot = {line.lot_id.name: line for line in self.line_ids}
        new_lines = []
        for serial in check.serials:
            if serial in by_lot:
                by_lot[serial].update({"selected": True, "tentative": False})
            elif serial in check.quant_locations:
                new_lines.append(Command.create({
                    "lot_id": check.lots[serial], "selected": True,
                    "location_id": check.quant_locations[serial]}))
        if new_lines:
            self.line_ids = new_lines
        self._untick_tentative_beyond_units()
        self.messages_html = self._render_problems(check.errors, check.warnings) or Markup()
        self.serials_text = False
        ticked = len(check.serials) - len({subject for subject, _m in check.errors})
        self._set_scan_feedback(not check.errors, self.env._(
            "%(ticked)s of %(count)s serials ticked", ticked=max(ticked, 0),
            count=len(check.serials)))

    def _untick_tentative_beyond_units(self):
        """Serials pasted or scanned replace the ones only suggested (Odoo's reservation,
        the oldest units), the last suggested first, until no more are ticked than units."""
        extra = len(self.line_ids.filtered("selected")) - self.move_id._serial_units()
        tentative = self.line_ids.filtered(lambda line: line.selected and line.tentative)
        if extra > 0:
            tentative[-extra:].selected = False

    def _scan_check_options(self):
        return {"check_quantity": False}  # the count is checked on Apply

    def action_select_none(self):
        self.line_ids.selected = False
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        selected = self.line_ids.filtered("selected").lot_id
        if not selected:
            raise UserError(self.env._("Tick or scan at least one serial."))
        # The same checks as any client: availability is verified again, now.
        self.move_id.set_serials_from_text("\n".join(selected.mapped("name")), spans=False)
        return {"type": "ir.actions.act_window_close"}


class StockSerialSelectLine(models.TransientModel):
    _name = "stock.serial.select.line"
    _description = "Serial offered by the selector"
    _order = "in_date, id"

    wizard_id = fields.Many2one("stock.serial.select", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", string="Serial", required=True, readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    in_date = fields.Datetime(string="Received", readonly=True)
    selected = fields.Boolean(string="Ship")
    tentative = fields.Boolean(
        help="Ticked as a suggestion (reserved by Odoo, or the oldest unit), not by "
        "anyone: a serial pasted or scanned takes its place.")

    @api.onchange("selected")
    def _onchange_selected(self):
        # Ticked or unticked by hand: the user's choice from now on.
        self.tentative = False
