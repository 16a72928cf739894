from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_parser import SPAN
from .stock_serial_input_mixin import PREVIEW_ROWS


class StockSerialEntry(models.TransientModel):
    """Type, paste or scan the serials of one receipt move; nothing is written until Apply."""

    _name = "stock.serial.entry"
    _inherit = ["stock.serial.input.mixin"]
    _description = "Serial number entry"

    expected_qty = fields.Integer(string="Expected units", compute="_compute_expected_qty")
    next_expected_serial = fields.Char(related="move_id.product_id.next_expected_serial")
    treat_spans = fields.Boolean(string="Treat A-B as a span", default=True)
    generated_serials = fields.Text(
        help="The serials last generated from Next Serial, one a line; reserved on Apply.")
    serial_count = fields.Integer(compute="_compute_preview")
    error_count = fields.Integer(compute="_compute_preview")
    warning_count = fields.Integer(compute="_compute_preview")
    preview_html = fields.Html(string="Preview", compute="_compute_preview", sanitize=False)

    @api.model
    def _defaults_for_move(self, move):
        present = move._entered_serials()
        if present:
            return {"serials_text": "\n".join(present)}
        if move.product_id.next_expected_serial:
            # As the specification asks: the first unit gets Next Serial, the rest follow.
            generated = "\n".join(move.product_id._peek_serials(move._serial_units()))
            return {"serials_text": generated, "generated_serials": generated}
        return {}

    @api.depends("move_id.product_qty")
    def _compute_expected_qty(self):
        for wizard in self:
            wizard.expected_qty = wizard.move_id._serial_units()

    @api.depends("serials_text", "treat_spans", "move_id")
    def _compute_preview(self):
        for wizard in self:
            check = wizard.move_id._check_serial_entry(wizard.serials_text, wizard.treat_spans)
            wizard.serial_count = len(check.serials)
            wizard.error_count = len(check.errors)
            wizard.warning_count = len(check.warnings)
            wizard.preview_html = wizard._render_preview(check)

    def _render_preview(self, check):
        _ = self.env._
        count_class = "text-success" if len(check.serials) == self.expected_qty else "text-warning"
        html = Markup('<div class="o_serial_entry_preview"><p class="fs-5 {}">{}</p>').format(
            count_class,
            _("%(count)s serials for %(expected)s expected units", count=len(check.serials),
              expected=self.expected_qty) if len(check.serials) != 1 else
            _("1 serial for %s expected units", self.expected_qty))
        html += self._render_problems(check.errors, check.warnings)
        if check.tokens:
            html += Markup('<table class="table table-sm"><thead><tr><th>{}</th><th>{}</th>'
                           "<th>{}</th></tr></thead><tbody>").format(
                _("Entered"), _("Where"), _("Read as"))
            for token in check.tokens[:PREVIEW_ROWS]:
                became = token.describe() if token.kind == SPAN else (
                    token.message or _("serial"))
                html += Markup("<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>").format(
                    token.text, token.where, became)
            if len(check.tokens) > PREVIEW_ROWS:
                html += Markup('<tr><td colspan="3">{}</td></tr>').format(
                    _("and %s more entries", len(check.tokens) - PREVIEW_ROWS))
            html += Markup("</tbody></table>")
        return html + Markup("</div>")

    # -- Buttons -------------------------------------------------------------------------
    def action_generate(self):
        """Append the next serials of the product for the units still without one."""
        self.ensure_one()
        entered = self.move_id._check_serial_entry(self.serials_text, self.treat_spans).serials
        missing = self.expected_qty - len(entered)
        if missing <= 0:
            raise UserError(self.env._("Every expected unit already has a serial."))
        if not self.product_id.next_expected_serial:
            raise UserError(self.env._("%s has no Next Serial.", self.product_id.display_name))
        generated = self.product_id._peek_serials(missing)
        text = (self.serials_text or "").rstrip()
        self.write({
            "serials_text": "\n".join(filter(None, [text, *generated])),
            "generated_serials": "\n".join(generated),
        })
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        self.move_id._check_serials_editable()
        check = self.move_id._check_serial_entry(self.serials_text, self.treat_spans, lock=True)
        check.raise_on_errors(self.move_id)
        self._reserve_generated(check.serials)
        self.move_id._write_serial_lines(check)
        return {"type": "ir.actions.act_window_close"}

    def _reserve_generated(self, serials):
        """Advance Next Serial past the generated serials that are being used."""
        generated = (self.generated_serials or "").split()
        used = set(serials)
        last_used = max((index for index, serial in enumerate(generated) if serial in used),
                        default=None)
        if last_used is not None:
            self.product_id._reserve_serials(last_used + 1, expected_first=generated[0])
