from odoo import models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    def action_open_serial_scan(self):
        """The scanner screen on this operation type's open transfers."""
        self.ensure_one()
        return self._serial_scan_action({"picking_type_id": self.id})

    def _serial_scan_action(self, params):
        """The screen's client action: `params` picking_type_id (the transfers of that
        type) or picking_id (that transfer)."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock_serial_tracking.action_serial_scan")
        action["params"] = params
        return action
