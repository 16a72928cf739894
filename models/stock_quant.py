from odoo import models
from odoo.exceptions import UserError


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _check_serial_counts(self):
        """A counted serialized product: one serial per unit, 0 or 1 unit per serial."""
        problems = []
        for quant in self.filtered(lambda q: q.product_id.tracking == "serial"
                                   and q.inventory_quantity_set):
            counted = quant.inventory_quantity
            if not quant.lot_id and counted:
                problems.append(self.env._(
                    "%(product)s at %(location)s: %(count)s units counted without serial "
                    "numbers; count each unit on its own serial",
                    product=quant.product_id.display_name,
                    location=quant.location_id.display_name, count=counted))
            elif quant.lot_id and counted not in (0, 1):
                problems.append(self.env._(
                    "%(serial)s (%(product)s): %(count)s units counted; a serial is 0 or 1 unit",
                    serial=quant.lot_id.name, product=quant.product_id.display_name,
                    count=counted))
        if problems:
            raise UserError(self.env._("The count cannot be applied:\n%s",
                                       "\n".join(f"- {problem}" for problem in problems)))

    def _apply_inventory(self, date=None):
        self._check_serial_counts()
        return super()._apply_inventory(date=date)
