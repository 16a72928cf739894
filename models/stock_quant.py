from odoo import api, models
from odoo.tools import SQL


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, quantity=False,
                                   reserved_quantity=False, lot_id=None, package_id=None,
                                   owner_id=None, in_date=None):
        if lot_id and product_id.tracking == "serial":
            self._lock_serial_quants(product_id, location_id, lot_id, package_id, owner_id)
        return super()._update_available_quantity(
            product_id, location_id, quantity=quantity, reserved_quantity=reserved_quantity,
            lot_id=lot_id, package_id=package_id, owner_id=owner_id, in_date=in_date)

    @api.model
    def _lock_serial_quants(self, product, location, lot, package=None, owner=None):
        """Wait for the row lock on the serial's quant at `location`.

        Odoo locks quants with SKIP LOCKED: when another transaction holds the serial's quant,
        it creates a second quant for the same serial and location — a second unit that does
        not exist. For serials we wait instead; a concurrent change then surfaces as a
        serialization failure, which Odoo retries with a fresh view of the stock.
        """
        self.env.cr.execute(SQL(
            """SELECT id FROM stock_quant
                WHERE product_id = %s AND location_id = %s AND lot_id = %s
                  AND package_id IS NOT DISTINCT FROM %s AND owner_id IS NOT DISTINCT FROM %s
                  FOR NO KEY UPDATE""",
            product.id, location.id, lot.id, package.id if package else None,
            owner.id if owner else None), log_exceptions=False)  # retried by Odoo, not a bug

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, quantity, lot_id=None,
                                  package_id=None, owner_id=None, strict=True):
        if self.env.context.get("serial_reservation_set_wise"):
            return None  # the caller reserves these units itself, in one batch
        return super()._update_reserved_quantity(
            product_id, location_id, quantity, lot_id=lot_id, package_id=package_id,
            owner_id=owner_id, strict=strict)

    @api.model
    def _change_reserved_quantities(self, changes):
        """Apply {quant id: change} to reserved quantities, one write per resulting value."""
        quants = self.sudo().browse(quant_id for quant_id, change in changes.items() if change)
        for reserved, group in quants.grouped(
                lambda quant: max(quant.reserved_quantity + changes[quant.id], 0)).items():
            group.reserved_quantity = reserved
