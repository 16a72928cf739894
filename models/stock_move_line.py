from collections import Counter, defaultdict

from odoo import models
from odoo.exceptions import UserError


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _serial_lines(self):
        """Lines of serialized products that move units on a transfer."""
        return self.filtered(lambda line: line.product_id.tracking == "serial"
                             and line.picking_id and line.quantity > 0)

    def _serial_shortages(self):
        """{move: units without a serial} for the serialized units of these lines."""
        shortages = Counter()
        for line in self._serial_lines():
            if not line.lot_id and not line.lot_name:
                shortages[line.move_id] += int(line.quantity_product_uom)
        return shortages

    def _serial_shortage_message(self, shortages):
        return self.env._(
            "Every serialized unit needs its serial number before validation:\n%s",
            "\n".join(self.env._("- %(product)s: %(missing)s of %(units)s units without a "
                                 "serial (%(transfer)s)",
                                 product=move.product_id.display_name, missing=missing,
                                 units=int(move.quantity), transfer=move.picking_id.name)
                      for move, missing in shortages.items()))

    def _check_serial_rules(self):
        """Refuse serialized lines without a serial, with more than one unit per serial,
        or bringing into stock a serial that is already there."""
        lines = self._serial_lines()
        if not lines:
            return
        shortages = lines._serial_shortages()
        if shortages:
            raise UserError(lines._serial_shortage_message(shortages))
        for line in lines:
            if line.product_uom_id.compare(line.quantity_product_uom, 1) != 0:
                raise UserError(self.env._(
                    "The serial %(serial)s of %(product)s is on %(quantity)s units: a serial "
                    "number identifies exactly one unit.",
                    serial=line.lot_id.name or line.lot_name,
                    product=line.product_id.display_name, quantity=line.quantity))
        # The return rule first: it says more than "already in stock" would.
        lines.filtered(lambda line: line.move_id.origin_returned_move_id
                       )._check_serials_returnable()
        lines.filtered(lambda line: line.location_id.usage not in ("internal", "transit")
                       and line.location_dest_id.usage == "internal")._check_serials_not_in_stock()
        lines.filtered(lambda line: line.location_id.usage == "internal"
                       )._check_serials_at_source()

    def _check_serials_not_in_stock(self):
        """A unit arriving in stock must not be there already, nor arrive twice at once."""
        by_product = defaultdict(list)
        for line in self:
            by_product[line.product_id, line.company_id].append(line.lot_id.name or line.lot_name)
        problems = []
        for (product, company), names in by_product.items():
            problems += [self.env._("%(serial)s (%(product)s) is entered twice",
                                    serial=name, product=product.display_name)
                         for name, count in Counter(names).items() if count > 1]
            quants = self.env["stock.quant"].sudo()._read_group(
                [("product_id", "=", product.id), ("lot_id.name", "in", names),
                 ("company_id", "=", company.id), ("location_id.usage", "=", "internal"),
                 ("quantity", ">", 0)], ["lot_id", "location_id"])
            problems += [self.env._("%(serial)s (%(product)s) is already in stock at %(location)s",
                                    serial=lot.name, product=product.display_name,
                                    location=location.display_name)
                         for lot, location in quants]
        if problems:
            raise UserError(self.env._("A serial number can be received only once:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _check_serials_at_source(self):
        """A unit leaving a location must be in stock there (Odoo would go negative)."""
        lots = self.lot_id
        quants = self.env["stock.quant"].sudo().search_fetch(
            [("lot_id", "in", lots.ids), ("quantity", ">", 0),
             ("location_id.usage", "=", "internal")], ["lot_id", "location_id"])
        paths = defaultdict(list)
        for quant in quants:
            paths[quant.lot_id].append(quant.location_id.parent_path)
        problems = []
        for line in self:
            source = line.location_id.parent_path
            if not any(path.startswith(source) for path in paths[line.lot_id]):
                where = line.lot_id.location_id.display_name or self.env._("nowhere in stock")
                problems.append(self.env._(
                    "%(serial)s (%(product)s) is not in stock at %(origin)s: it is at %(where)s",
                    serial=line.lot_id.name or line.lot_name,
                    product=line.product_id.display_name,
                    origin=line.location_id.display_name, where=where))
        if problems:
            raise UserError(self.env._("Only units in stock where they leave from can ship:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _check_serials_returnable(self):
        """A return brings back only serials of the original transfer, each once."""
        problems = []
        for origin, lines in self.grouped(lambda line: line.move_id.origin_returned_move_id
                                          ).items():
            shipped = set(origin.move_line_ids.filtered(
                lambda line: line.state == "done").lot_id.mapped("name"))
            returned = {line.lot_id.name: line.picking_id for line in self.search_fetch(
                [("move_id.origin_returned_move_id", "=", origin.id), ("state", "=", "done"),
                 ("lot_id", "!=", False)], ["lot_id", "picking_id"])}
            for line in lines:
                serial = line.lot_id.name or line.lot_name
                if serial not in shipped:
                    problems.append(self.env._(
                        "%(serial)s was not on %(transfer)s; only its serials can come back",
                        serial=serial, transfer=origin.picking_id.name))
                elif serial in returned:
                    problems.append(self.env._(
                        "%(serial)s was already returned with %(transfer)s",
                        serial=serial, transfer=returned[serial].name))
        if problems:
            raise UserError(self.env._("This return cannot be validated:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        if self.product_id.tracking == "serial":
            # A received unit belongs to the company that received it, even when the
            # product is shared: each company sees and ships only its own serials.
            vals["company_id"] = self.company_id.id
        return vals

    def _action_done(self):
        self._check_serial_rules()
        return super()._action_done()
