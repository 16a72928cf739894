from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.arguments import check_text
from ..tools.gs1 import FNC1, gs1_payload, is_empty_scan, raw_gs1_candidate
from ..tools.serial_text import control_character

PREVIEW_ROWS = 200


class StockSerialInputMixin(models.AbstractModel):
    """The serials of one move, typed, pasted or scanned into a text box.

    Shared by the receipt entry and the delivery selector: scans append one serial each
    (GS1 barcodes decoded by Odoo's GS1 nomenclature), problems render the same way.
    """

    _name = "stock.serial.input.mixin"
    _inherit = ["barcodes.barcode_events_mixin"]
    _description = "Serial input (typed, pasted or scanned)"

    move_id = fields.Many2one("stock.move", required=True, readonly=True, ondelete="cascade")
    product_id = fields.Many2one(related="move_id.product_id")
    picking_id = fields.Many2one(related="move_id.picking_id")
    serials_text = fields.Text(
        string="Serials",
        help="Separate serials by commas, semicolons, tabs or line breaks; paste spreadsheet "
        "cells as they are; 1000-1234 is a span of 235 serials.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        move = self.env["stock.move"].browse(values.get("move_id"))
        if move:
            values.update(self._defaults_for_move(move))
        return values

    @api.model
    def _defaults_for_move(self, move):
        """What the dialog shows when it opens on `move` (field values)."""
        return {}

    scan_feedback = fields.Json(
        help="The answer to the last scan, shown (and heard) under the box: "
        "{'seq': scans so far, 'ok': accepted, 'message': what happened}.")

    def on_barcode_scanned(self, barcode):
        # A refusal is answered inline (and by a sound): a modal would stop the next scan.
        # A barcode that is not text, or several dialogs, is the client's mistake: raised.
        if len(self) != 1:
            raise UserError(self.env._(
                "on_barcode_scanned works on one dialog at a time, got %s.", len(self)))
        check_text(self.env, "on_barcode_scanned", "barcode", barcode)
        try:
            serial = self._serial_from_scan(barcode)
            self._add_scanned_serial(serial)
        except UserError as error:
            self._set_scan_feedback(False, str(error))
        else:
            self._set_scan_feedback(True, self.env._("%s added", serial))

    def _add_scanned_serial(self, serial):
        """Append `serial` to the box, or raise UserError saying why the scan is refused."""
        text = self._scan_base_text()
        _check, problems = self.move_id._check_scanned_serial(
            text, serial, **self._scan_check_options())
        if problems:
            raise UserError(self.env._("%(serial)s refused: %(problems)s",
                                       serial=serial, problems="; ".join(problems)))
        text = (text or "").rstrip()
        self.serials_text = f"{text}\n{serial}" if text else serial

    def _scan_base_text(self):
        """The text a scan is added to."""
        return self.serials_text

    def _scan_check_options(self):
        """Options of `stock.move._check_scanned_serial` for this dialog."""
        return {}

    def _set_scan_feedback(self, ok, message):
        seq = (self.scan_feedback or {}).get("seq", 0) + 1
        self.scan_feedback = {"seq": seq, "ok": ok, "message": message}

    def _serial_from_scan(self, barcode):
        """The serial carried by a scan: the scan itself, or AI (21) of a GS1 barcode."""
        return self._serial_for_product(barcode, self.product_id)

    @api.model
    def _check_scan(self, barcode):
        """Refuse a scan that carries nothing (blank, or a GS1 symbology identifier or FNC1
        alone) or a control character other than FNC1, GS1's separator."""
        if is_empty_scan(barcode):
            raise UserError(self.env._("The scan %s is empty: nothing was read.", repr(barcode)))
        code_point = control_character(barcode.strip().replace(FNC1, ""))
        if code_point:
            raise UserError(self.env._(
                "The scan %(scan)s contains the control character %(code_point)s.",
                scan=repr(barcode), code_point=code_point))

    @api.model
    def _gs1_decompose(self, payload):
        """{AI: value} of a GS1 element string, by Odoo's GS1 nomenclature; None when its
        rules cannot read it."""
        nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        elements = nomenclature.gs1_decompose_extended(payload)
        return {element["ai"]: element["value"] for element in elements} if elements else None

    @api.model
    def _gs1_elements(self, barcode):
        """{AI: value} of a GS1 scan, None for a plain serial (see tools/gs1.py).

        A scan without symbology identifier counts as GS1 only when it starts with AI
        (01) and a valid GTIN, and Odoo's nomenclature reads a serial, AI (21), from it.
        """
        payload = gs1_payload(barcode)
        if payload is None:
            raw = raw_gs1_candidate(barcode)
            elements = self._gs1_decompose(raw) if raw else None
            return elements if elements and elements.get("21") else None
        elements = self._gs1_decompose(payload)
        if not elements:
            raise UserError(self.env._("%s could not be read as a GS1 barcode.", barcode))
        return elements

    @api.model
    def _is_gs1_without_serial(self, text):
        """Whether `text` is a GS1 barcode whose serial number, AI (21), is empty."""
        payload = gs1_payload(text)
        elements = self._gs1_decompose(payload) if payload is not None else None
        return bool(elements) and elements.get("21") == ""

    @api.model
    def _serial_for_product(self, barcode, product):
        """The serial of `product` a scan carries; an empty scan, a GS1 scan of another
        GTIN or with an empty serial number are refused."""
        self._check_scan(barcode)
        elements = self._gs1_elements(barcode)
        if elements is None:
            return barcode.strip()
        gtin = elements.get("01")
        product_gtin = (product.barcode or "").strip()
        if gtin and product_gtin and gtin.zfill(14) != product_gtin.zfill(14):
            raise UserError(self.env._(
                "The scanned GS1 barcode is for the GTIN %(gtin)s, not for %(product)s "
                "(GTIN %(product_gtin)s).",
                gtin=gtin, product=product.display_name, product_gtin=product_gtin))
        if "21" not in elements:
            raise UserError(self.env._(
                "The scanned GS1 barcode %s carries no serial number (AI 21).", barcode))
        if not elements["21"]:
            raise UserError(self.env._(
                "The scanned GS1 barcode %s carries an empty serial number (AI 21).",
                repr(barcode)))
        return elements["21"]

    def _reopen(self):
        """Keep the dialog open after a button (the product comes from the dialog)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Serials: %s", self.product_id.display_name),
        }

    def _render_problems(self, errors, warnings):
        """Errors and warnings as (subject, message) pairs, in two alert boxes."""
        html = Markup()
        for css, title, problems in (("danger", self.env._("Errors"), errors),
                                     ("warning", self.env._("Warnings"), warnings)):
            if not problems:
                continue
            html += Markup(
                '<div class="alert alert-{} py-2"><strong>{}</strong><ul class="mb-0">'
            ).format(css, title)
            for subject, message in problems[:PREVIEW_ROWS]:
                html += Markup("<li><code>{}</code>: {}</li>").format(subject, message)
            if len(problems) > PREVIEW_ROWS:
                html += Markup("<li>{}</li>").format(
                    self.env._("and %s more", len(problems) - PREVIEW_ROWS))
            html += Markup("</ul></div>")
        return html
