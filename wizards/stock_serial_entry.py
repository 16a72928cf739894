from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.gs1 import gs1_payload
from ..tools.serial_parser import SPAN

PREVIEW_ROWS = 200


class StockSerialEntry(models.TransientModel):
    """Type, paste or scan the serials of one receipt move; nothing is written until Apply."""

    _name = "stock.serial.entry"
    _inherit = ["barcodes.barcode_events_mixin"]
    _description = "Serial number entry"

    move_id = fields.Many2one("stock.move", required=True, readonly=True, ondelete="cascade")
    product_id = fields.Many2one(related="move_id.product_id")
    picking_id = fields.Many2one(related="move_id.picking_id")
    expected_qty = fields.Integer(string="Expected units", compute="_compute_expected_qty")
    next_expected_serial = fields.Char(related="move_id.product_id.next_expected_serial")
    serials_text = fields.Text(
        string="Serials",
        help="Separate serials by commas, semicolons, tabs or line breaks; paste spreadsheet "
        "cells as they are; 1000-1234 is a span of 235 serials.")
    treat_spans = fields.Boolean(string="Treat A-B as a span", default=True)
    generated_serials = fields.Text(
        help="The serials last generated from Next Serial, one a line; reserved on Apply.")
    serial_count = fields.Integer(compute="_compute_preview")
    error_count = fields.Integer(compute="_compute_preview")
    warning_count = fields.Integer(compute="_compute_preview")
    preview_html = fields.Html(string="Preview", compute="_compute_preview", sanitize=False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        move = self.env["stock.move"].browse(values.get("move_id"))
        if not move:
            return values
        present = [line.lot_id.name or line.lot_name for line in move.move_line_ids
                   if line.lot_id or line.lot_name]
        if present:
            values["serials_text"] = "\n".join(present)
        elif move.product_id.next_expected_serial:
            # As the specification asks: the first unit gets Next Serial, the rest follow.
            generated = move.product_id._peek_serials(int(move.product_uom_qty))
            values.update(serials_text="\n".join(generated),
                          generated_serials="\n".join(generated))
        return values

    @api.depends("move_id.product_uom_qty")
    def _compute_expected_qty(self):
        for wizard in self:
            wizard.expected_qty = int(wizard.move_id.product_uom_qty)

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
        for css, title, problems in (("danger", _("Errors"), check.errors),
                                     ("warning", _("Warnings"), check.warnings)):
            if not problems:
                continue
            html += Markup(
                '<div class="alert alert-{} py-2"><strong>{}</strong><ul class="mb-0">'
            ).format(css, title)
            for subject, message in problems[:PREVIEW_ROWS]:
                html += Markup('<li><code>{}</code>: {}</li>').format(subject, message)
            if len(problems) > PREVIEW_ROWS:
                html += Markup("<li>{}</li>").format(
                    _("and %s more", len(problems) - PREVIEW_ROWS))
            html += Markup("</ul></div>")
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

    # -- Scanning ----------------------------------------------------------------------
    def on_barcode_scanned(self, barcode):
        try:
            serial = self._serial_from_scan(barcode)
        except UserError as error:
            return {"warning": {"title": self.env._("Scan refused"), "message": str(error)}}
        text = (self.serials_text or "").rstrip()
        self.serials_text = f"{text}\n{serial}" if text else serial
        return None

    def _serial_from_scan(self, barcode):
        """The serial carried by a scan: the scan itself, or AI (21) of a GS1 barcode."""
        payload = gs1_payload(barcode)
        if payload is None:
            return barcode.strip()
        nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        elements = {element["ai"]: element["value"]
                    for element in nomenclature.gs1_decompose_extended(payload) or []}
        if not elements:
            raise UserError(self.env._("%s could not be read as a GS1 barcode.", barcode))
        gtin = elements.get("01")
        product_gtin = (self.product_id.barcode or "").strip()
        if gtin and product_gtin and gtin.zfill(14) != product_gtin.zfill(14):
            raise UserError(self.env._(
                "The scanned GS1 barcode is for the GTIN %(gtin)s, not for %(product)s "
                "(GTIN %(product_gtin)s).",
                gtin=gtin, product=self.product_id.display_name, product_gtin=product_gtin))
        if "21" not in elements:
            raise UserError(self.env._(
                "The scanned GS1 barcode %s carries no serial number (AI 21).", barcode))
        return elements["21"]

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
        check = self.move_id._check_serial_entry(self.serials_text, self.treat_spans)
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

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Serials: %s", self.product_id.display_name),
        }
