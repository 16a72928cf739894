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
        lines.filtered(lambda line: line.location_id.usage not in ("internal", "transit")
                       and line.location_dest_id.usage == "internal")._check_serials_not_in_stock()

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

    def _action_done(self):
        self._check_serial_rules()
        return super()._action_done()
