from dataclasses import dataclass, field

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_parser import DEFAULT_MAX_SERIALS, compile_serial_pattern, parse_serials

MAX_SERIALS_PARAM = "stock_serial_tracking.max_serials_per_entry"


@dataclass
class SerialEntryCheck:
    """What a serial entry would do to a move, found before anything is written."""

    serials: list
    tokens: list
    errors: list = field(default_factory=list)  # (serial or token text, message)
    warnings: list = field(default_factory=list)
    lots: dict = field(default_factory=dict)  # serial -> existing stock.lot id

    def raise_on_errors(self, move):
        if self.errors:
            raise UserError(move.env._(
                "The serials for %(product)s were not saved:\n%(problems)s",
                product=move.product_id.display_name,
                problems="\n".join(f"- {subject}: {message}" for subject, message in self.errors)))


class StockMove(models.Model):
    _inherit = "stock.move"

    serial_count = fields.Integer(
        compute="_compute_serial_count",
        help="Units of this move that have a serial number.")
    serial_progress = fields.Char(
        string="Serials", compute="_compute_serial_count",
        help="Units with a serial number / units to process.")
    serials_complete = fields.Boolean(compute="_compute_serial_count")

    @api.depends("move_line_ids.lot_id", "move_line_ids.lot_name", "move_line_ids.quantity",
                 "product_uom_qty", "has_tracking")
    def _compute_serial_count(self):
        for move in self:
            count = sum(1 for line in move.move_line_ids if line.lot_id or line.lot_name)
            expected = int(move.product_uom_qty)
            move.serial_count = count
            move.serials_complete = move.has_tracking != "serial" or count >= expected
            move.serial_progress = f"{count}/{expected}" if move.has_tracking == "serial" else ""

    # -- Checking an entry ---------------------------------------------------------------
    def _max_serials_per_entry(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_SERIALS_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_MAX_SERIALS
        except ValueError:
            return DEFAULT_MAX_SERIALS

    def _check_serial_entry(self, text, spans=True):
        """Parse `text` for this move and find every problem, with one query per kind."""
        self.ensure_one()
        if self.has_tracking != "serial":
            raise UserError(self.env._("%s is not a serialized product.",
                                       self.product_id.display_name))
        try:
            pattern = compile_serial_pattern(self.product_id.serial_pattern)
        except ValueError as error:
            raise UserError(str(error)) from None
        parsed = parse_serials(text, spans=spans, max_serials=self._max_serials_per_entry(),
                               pattern=pattern)
        check = SerialEntryCheck(serials=parsed.serials, tokens=parsed.tokens)
        if not parsed.tokens:
            check.errors.append((self.env._("Serials"), self.env._("no serial number was entered")))
        # Tokens are quoted as typed, so that invisible characters show (\x00).
        for token in parsed.errors:
            check.errors.append((repr(token.text), f"{token.message} ({token.where})"))
        for token, warning in parsed.warnings:
            check.warnings.append((repr(token.text), f"{warning} ({token.where})"))
        expected = int(self.product_uom_qty)
        if len(parsed.serials) > expected:
            check.errors.append((self.env._("Quantity"), self.env._(
                "%(count)s serials for %(expected)s units: remove %(extra)s",
                count=len(parsed.serials), expected=expected,
                extra=len(parsed.serials) - expected)))
        if parsed.serials:
            self._check_known_serials(check)
        return check

    def _check_known_serials(self, check):
        """Serials already in stock, on another open transfer, or unknown where required."""
        names = check.serials
        lots = self.env["stock.lot"].sudo().search_fetch(
            [("product_id", "=", self.product_id.id), ("name", "in", names),
             ("company_id", "in", [self.company_id.id, False])], ["name"])
        check.lots = {lot.name: lot.id for lot in lots}
        if lots:
            quants = self.env["stock.quant"].sudo()._read_group(
                [("lot_id", "in", lots.ids), ("location_id.usage", "=", "internal"),
                 ("quantity", ">", 0)], ["lot_id", "location_id"])
            for lot, location in quants:
                check.errors.append((lot.name, self.env._(
                    "already in stock at %s", location.display_name)))
        other_lines = self.env["stock.move.line"].sudo().search_fetch(
            [("product_id", "=", self.product_id.id), ("move_id", "!=", self.id),
             ("state", "not in", ("done", "cancel")), ("picking_code", "=", "incoming"),
             "|", ("lot_name", "in", names), ("lot_id", "in", lots.ids)],
            ["lot_name", "lot_id", "picking_id"])
        for line in other_lines:
            check.errors.append((line.lot_id.name or line.lot_name, self.env._(
                "already entered on the open receipt %s", line.picking_id.name)))
        picking_type = self.picking_type_id
        if picking_type and not picking_type.use_create_lots and picking_type.use_existing_lots:
            for name in names:
                if name not in check.lots:
                    check.errors.append((name, self.env._(
                        "unknown serial; %s only accepts existing serials",
                        picking_type.display_name)))

    # -- Writing serials -----------------------------------------------------------------
    def set_serials_from_text(self, text, spans=True):
        """Replace this move's serials with those in `text` (separators, spans, ...).

        The public entry point for XML-RPC clients and the Barcode app: the same parsing
        and checks as the dialog. With any problem, nothing is written and the error lists
        every offending serial. Returns the number of serials set.
        """
        self.ensure_one()
        check = self._check_serial_entry(text, spans=spans)
        check.raise_on_errors(self)
        self._write_serial_lines(check)
        return len(check.serials)

    def fill_serials_from_next_serial(self):
        """Give the units still without a serial the next serials of the product."""
        self.ensure_one()
        present = [line.lot_id.name or line.lot_name for line in self.move_line_ids
                   if line.lot_id or line.lot_name]
        missing = int(self.product_uom_qty) - len(present)
        if missing <= 0:
            return 0
        generated = self.product_id._reserve_serials(missing)
        return self.set_serials_from_text("\n".join(present + generated), spans=False)

    def _write_serial_lines(self, check):
        """One move line per serial, created in one batch, replacing the move's lines."""
        picking_type = self.picking_type_id
        use_existing = not picking_type or picking_type.use_existing_lots
        base = {
            "move_id": self.id,
            "picking_id": self.picking_id.id,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "company_id": self.company_id.id,
            "quantity": 1,
        }
        vals_list = []
        for serial in check.serials:
            lot_id = check.lots.get(serial) if use_existing else None
            vals_list.append({**base, "lot_id": lot_id} if lot_id else {**base, "lot_name": serial})
        self.move_line_ids.unlink()
        self.env["stock.move.line"].create(vals_list)

    def action_open_serial_entry(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Serials: %s", self.product_id.display_name),
            "res_model": "stock.serial.entry",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }
