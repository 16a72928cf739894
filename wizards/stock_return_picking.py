from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_parser import parse_serials


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    has_serials = fields.Boolean(compute="_compute_returnable_lot_ids")
    returnable_lot_ids = fields.Many2many(
        "stock.lot", compute="_compute_returnable_lot_ids",
        help="Serials shipped by the original move and not returned yet.")
    lot_ids = fields.Many2many(
        "stock.lot", string="Serials", domain="[('id', 'in', returnable_lot_ids)]",
        help="The serials that come back; the quantity follows them.")

    @api.depends("move_id")
    def _compute_returnable_lot_ids(self):
        for line in self:
            move = line.move_id
            line.has_serials = move.has_tracking == "serial"
            shipped = move.move_line_ids.filtered(lambda ml: ml.state == "done").lot_id
            returned = move.returned_move_ids.move_line_ids.filtered(
                lambda ml: ml.state == "done").lot_id
            line.returnable_lot_ids = shipped - returned

    @api.onchange("lot_ids")
    def _onchange_lot_ids(self):
        if self.has_serials:
            self.quantity = len(self.lot_ids)


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    serials_text = fields.Text(
        string="Serials coming back",
        help="Type, paste or scan the serials that come back; each is ticked on its line.")

    @api.onchange("serials_text")
    def _onchange_serials_text(self):
        if not (self.serials_text or "").strip():
            return None
        serials = parse_serials(self.serials_text).serials
        unknown = set(serials)
        for line in self.product_return_moves.filtered("has_serials"):
            lots = line.returnable_lot_ids.filtered(
                lambda lot, wanted=frozenset(unknown): lot.name in wanted)
            if lots:
                line.lot_ids = [Command.link(lot.id) for lot in lots]
                line.quantity = len(line.lot_ids)
                unknown -= set(lots.mapped("name"))
        self.serials_text = False
        if unknown:
            return {"warning": {
                "title": self.env._("Not on this transfer"),
                "message": self.env._(
                    "These serials were not shipped on %(transfer)s or came back already: "
                    "%(serials)s",
                    transfer=self.picking_id.name, serials=", ".join(sorted(unknown)))}}
        return None

    def _create_return(self):
        for line in self.product_return_moves.filtered("has_serials"):
            if line.lot_ids and len(line.lot_ids) != line.quantity:
                raise UserError(self.env._(
                    "%(product)s: %(quantity)s units to return but %(count)s serials chosen.",
                    product=line.product_id.display_name, quantity=line.quantity,
                    count=len(line.lot_ids)))
        new_picking = super()._create_return()
        # The return carries exactly the chosen serials (the rule at validation checks
        # them again for any client).
        for line in self.product_return_moves.filtered("lot_ids"):
            move = new_picking.move_ids.filtered(
                lambda m, origin=line.move_id: m.origin_returned_move_id == origin)
            move.set_serials_from_text("\n".join(line.lot_ids.mapped("name")), spans=False)
        return new_picking
