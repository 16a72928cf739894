from markupsafe import Markup

from odoo import api, fields, models


class StockSerialFind(models.TransientModel):
    """Paste many serials: see which exist (and open them) and which do not."""

    _name = "stock.serial.find"
    _description = "Find serial numbers"

    serials_text = fields.Text(string="Serials")
    found_count = fields.Integer(compute="_compute_result")
    missing_html = fields.Html(compute="_compute_result", sanitize=False)
    found_lot_ids = fields.Many2many("stock.lot", compute="_compute_result")

    @api.depends("serials_text")
    def _compute_result(self):
        for wizard in self:
            result = self.env["stock.lot"].find_serials(wizard.serials_text or "")
            wizard.found_lot_ids = [fields.Command.set(result["found"])]
            wizard.found_count = len(result["found"])
            missing = result["missing"]
            wizard.missing_html = Markup(
                '<div class="alert alert-warning py-2"><strong>{}</strong> {}</div>'
            ).format(self.env._("Not found:"), ", ".join(missing)) if missing else Markup()

    def action_open_found(self):
        self.ensure_one()
        return self.env["stock.lot"]._serials_action(
            [("id", "in", self.found_lot_ids.ids)], self.env._("Serials found"))
