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
    quant_locations: dict = field(default_factory=dict)  # serial -> where it is taken from

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
            count = len(move._entered_serials())
            expected = int(move.product_uom_qty)
            move.serial_count = count
            move.serials_complete = move.has_tracking != "serial" or count >= expected
            move.serial_progress = f"{count}/{expected}" if move.has_tracking == "serial" else ""

    def _entered_serials(self):
        """The serials already on this move's lines (existing lots or names typed)."""
        self.ensure_one()
        return [line.lot_id.name or line.lot_name for line in self.move_line_ids
                if line.lot_id or line.lot_name]

    # -- Checking an entry ---------------------------------------------------------------
    def _max_serials_per_entry(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_SERIALS_PARAM)
        try:
            return max(1, int(value)) if value else DEFAULT_MAX_SERIALS
        except ValueError:
            return DEFAULT_MAX_SERIALS

    def _check_serial_entry(self, text, spans=True, check_quantity=True):
        """Parse `text` for this move and find every problem, with one query per kind.

        `check_quantity=False` leaves out "more serials than units" (for a selector that
        only ticks what is typed and counts on Apply).
        """
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
        if check_quantity and len(parsed.serials) > expected:
            check.errors.append((self.env._("Quantity"), self.env._(
                "%(count)s serials for %(expected)s units: remove %(extra)s",
                count=len(parsed.serials), expected=expected,
                extra=len(parsed.serials) - expected)))
        if parsed.serials:
            if self._takes_serials_from_stock():
                self._check_serials_available(check)
            else:
                self._check_known_serials(check)
        return check

    def _takes_serials_from_stock(self):
        """Deliveries, internal transfers, vendor returns: units leave a stock location."""
        return self.location_id.usage == "internal"

    def _available_serial_quants(self, limit=None):
        """Quants of single serials this move can take: in stock under its source location,
        in its company, not reserved by another transfer; oldest received first (FIFO)."""
        own_lots = self.move_line_ids.lot_id
        return self.env["stock.quant"].search_fetch(
            [("product_id", "=", self.product_id.id), ("lot_id", "!=", False),
             ("location_id", "child_of", self.location_id.id), ("quantity", ">", 0),
             ("company_id", "=", self.company_id.id),
             "|", ("reserved_quantity", "=", 0), ("lot_id", "in", own_lots.ids)],
            ["lot_id", "location_id", "in_date"], order="in_date, id", limit=limit)

    def _check_serials_available(self, check):
        """Each serial must be a unit of this product in stock where the move takes from."""
        names = check.serials
        lots = self.env["stock.lot"].search_fetch(
            [("product_id", "=", self.product_id.id), ("name", "in", names),
             ("company_id", "in", [self.company_id.id, False])], ["name", "location_id"])
        check.lots = {lot.name: lot.id for lot in lots}
        missing = [name for name in names if name not in check.lots]
        if missing:
            others = {lot.name: lot.product_id for lot in self.env["stock.lot"].search_fetch(
                [("name", "in", missing), ("product_id", "!=", self.product_id.id),
                 ("company_id", "in", [self.company_id.id, False])], ["name", "product_id"])}
            for name in missing:
                check.errors.append((name, self.env._(
                    "a serial of %s, not of this product", others[name].display_name)
                    if name in others else self.env._(
                    "unknown serial of %(product)s in %(company)s",
                    product=self.product_id.display_name, company=self.company_id.name)))
        available = {quant.lot_id: quant for quant in self._available_serial_quants()
                     .filtered(lambda quant: quant.lot_id in lots)}
        check.quant_locations = {quant.lot_id.name: quant.location_id.id
                                 for quant in available.values()}
        unavailable = lots.filtered(lambda lot: lot not in available)
        reserving = {line.lot_id: line.picking_id for line in self.env["stock.move.line"]
                     .search_fetch([("lot_id", "in", unavailable.ids), ("move_id", "!=", self.id),
                                    ("state", "not in", ("done", "cancel"))],
                                   ["lot_id", "picking_id"])}
        for lot in unavailable:
            usage = lot.location_id.usage
            if lot in reserving:
                message = self.env._("reserved on %s", reserving[lot].name)
            elif usage == "internal":
                message = self.env._("is at %(where)s, not in %(origin)s",
                                     where=lot.location_id.display_name,
                                     origin=self.location_id.display_name)
            elif usage == "customer":
                message = self.env._("already delivered (%s)", lot.location_id.display_name)
            else:
                message = self.env._("not in stock")
            check.errors.append((lot.name, message))

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

        The public entry point for XML-RPC clients and the Barcode app, on receipts (new
        or known serials) and on deliveries and transfers (serials in stock at the source,
        then reserved): the same parsing and checks as the dialogs. With any problem,
        nothing is written and the error lists every offending serial. Returns the number
        of serials set.
        """
        self.ensure_one()
        check = self._check_serial_entry(text, spans=spans)
        check.raise_on_errors(self)
        self._write_serial_lines(check)
        return len(check.serials)

    def fill_serials_from_next_serial(self):
        """Give the units still without a serial the next serials of the product."""
        self.ensure_one()
        present = self._entered_serials()
        missing = int(self.product_uom_qty) - len(present)
        if missing <= 0:
            return 0
        generated = self.product_id._reserve_serials(missing)
        return self.set_serials_from_text("\n".join(present + generated), spans=False)

    def _write_serial_lines(self, check):
        """One move line per serial, replacing the move's lines (new ones in one batch).

        Units taken from stock are reserved on the chosen serials, where they are.
        """
        from_stock = self._takes_serials_from_stock()
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
            # A known serial is its existing lot (Odoo would match it by name at validation).
            lot_id = check.lots.get(serial)
            vals = {**base, "lot_id": lot_id} if lot_id else {**base, "lot_name": serial}
            if serial in check.quant_locations:
                vals["location_id"] = check.quant_locations[serial]
            vals_list.append(vals)
        if from_stock:
            self._do_unreserve()  # removes the lines reserved on other serials
        # Odoo splits a serialized receipt into one-unit lines: giving them their serials
        # costs a third of deleting and recreating them. Only lot fields are written, so
        # no quantity or reservation changes.
        lines = self.move_line_ids
        reused = lines.filtered(lambda line: line.quantity_product_uom == 1)[:len(vals_list)]
        for line, vals in zip(reused, vals_list, strict=False):  # reused may be shorter
            changes = {"lot_name": vals.get("lot_name", False)}
            if line.lot_id.id != vals.get("lot_id", False):  # lot_id takes a slower path
                changes["lot_id"] = vals.get("lot_id", False)
            line.write(changes)
        (lines - reused).unlink()
        self.env["stock.move.line"].create(vals_list[len(reused):])

    def action_open_serial_entry(self):
        """The receipt dialog, or the selector for units taken from stock."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Serials: %s", self.product_id.display_name),
            "res_model": ("stock.serial.select" if self._takes_serials_from_stock()
                          else "stock.serial.entry"),
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }
