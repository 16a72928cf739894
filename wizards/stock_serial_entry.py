from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.serial_messages import serial_text
from ..tools.serial_parser import DUPLICATE, ERROR
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
        """Count (coloured by state), then problems, then what each entry was read as."""
        _ = self.env._
        if not check.tokens:
            # An empty box is where every entry starts: a hint, not an error.
            return Markup('<div class="o_serial_entry_preview"><p class="fs-5 text-muted">{}'
                          "</p></div>").format(_(
                              "Scan, type or paste the serials of the %s expected units.",
                              self.expected_qty))
        errors = self._preview_errors(check)
        count = len(check.serials)
        if errors:
            state = "text-danger o_serial_state_errors"
        elif count == self.expected_qty:
            state = "text-success o_serial_state_complete"
        else:
            state = "text-warning o_serial_state_short"
        html = Markup('<div class="o_serial_entry_preview"><p class="fs-5 fw-bold {}">{}</p>'
                      ).format(state, _(
                          "%(count)s serials for %(expected)s expected units", count=count,
                          expected=self.expected_qty) if count != 1 else
                      _("1 serial for %s expected units", self.expected_qty))
        warnings = [(_("line %s", token.line) + f" · {token.text}",
                     serial_text(self.env, warning))
                    for token in check.tokens for warning in token.warnings]
        html += self._render_problems(errors, warnings)
        html += Markup('<table class="table table-sm"><thead><tr><th>{}</th><th>{}</th>'
                       "<th>{}</th></tr></thead><tbody>").format(
            _("Entered"), _("Line"), _("Read as"))
        for token in check.tokens[:PREVIEW_ROWS]:
            html += Markup('<tr class="{}"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>'
                           ).format(*self._preview_row(token))
        if len(check.tokens) > PREVIEW_ROWS:
            html += Markup('<tr><td colspan="3">{}</td></tr>').format(
                _("and %s more entries", len(check.tokens) - PREVIEW_ROWS))
        html += Markup("</tbody></table>")
        return html + Markup("</div>")

    def _preview_errors(self, check):
        """The check's errors, the parser's worded for a person: line, serial, what is wrong."""
        _ = self.env._
        bad_tokens = [token for token in check.tokens if token.kind in (ERROR, DUPLICATE)]
        quoted = {repr(token.text) for token in bad_tokens}
        return [(_("line %s", token.line) + f" · {token.text}", self._token_problem(token))
                for token in bad_tokens] + [
            (subject, message) for subject, message in check.errors if subject not in quoted]

    def _token_problem(self, token):
        return serial_text(self.env, token.message)

    def _preview_row(self, token):
        """(row class, entered text, line, what it was read as) for the table."""
        if token.kind in (ERROR, DUPLICATE):
            return "table-danger", token.text, token.line, self._token_problem(token)
        read_as = serial_text(self.env, token.describe())
        if token.warnings:
            return "table-warning", token.text, token.line, "; ".join(
                [read_as, *(serial_text(self.env, warning) for warning in token.warnings)])
        return "", token.text, token.line, read_as

    # -- Scans ---------------------------------------------------------------------------
    def _scan_base_text(self):
        # Labels are scanned from the first unit: a first scan replaces the serials
        # suggested from Next Serial instead of becoming their duplicate.
        if (self.serials_text or "").strip() == (self.generated_serials or "").strip():
            return ""
        return self.serials_text

    def _scan_check_options(self):
        return {"spans": self.treat_spans}

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
