from odoo import api, fields, models
from odoo.exceptions import UserError

REPORTS = {
    "sheet": "stock_serial_tracking.action_report_serial_label_sheet",
    "roll": "stock_serial_tracking.action_report_serial_label_roll",
}


class StockSerialLabelPrint(models.TransientModel):
    """Choose the layout and the number of labels per serial, then print."""

    _name = "stock.serial.label.print"
    _description = "Print serial labels"

    labels_json = fields.Json(help="[[product id, serial], ...] to print.")
    label_count = fields.Integer(string="Serials", compute="_compute_label_count")
    layout = fields.Selection(
        [("sheet", "Label sheet (several per A4 page)"), ("roll", "Label roll (57 × 32 mm)")],
        default="sheet", required=True)
    copies = fields.Integer(string="Labels per serial", default=1, required=True)
    can_use_gs1 = fields.Boolean(compute="_compute_label_count")
    use_gs1 = fields.Boolean(
        string="GS1-128 with the GTIN",
        help="For products with a GTIN barcode: print (01) GTIN + (21) serial in one GS1-128 "
        "barcode, readable by GS1 scanners and Odoo's GS1 nomenclature.")

    @api.depends("labels_json")
    def _compute_label_count(self):
        for wizard in self:
            labels = wizard.labels_json or []
            wizard.label_count = len(labels)
            products = self.env["product.product"].browse({product for product, _s in labels})
            wizard.can_use_gs1 = any(products.mapped("barcode"))

    @api.model
    @api.private
    def action_open(self, pairs):
        """The dialog for these (product record, serial) pairs: for the addon's own
        buttons, not for RPC, which cannot send records."""
        if not pairs:
            raise UserError(self.env._("There are no serial numbers to print."))
        wizard = self.create({"labels_json": [[product.id, serial] for product, serial in pairs]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Print Serial Labels"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_print(self):
        self.ensure_one()
        if self.copies < 1:
            raise UserError(self.env._("Print at least one label per serial."))
        data = {"labels": self.labels_json, "copies": self.copies, "gs1": self.use_gs1}
        # config=False: labels use the basic layout, no company document layout to set up.
        action = self.env.ref(REPORTS[self.layout]).report_action([], data=data, config=False)
        # The download is the answer: the dialog closes with it.
        return {**action, "close_on_report_download": True}
