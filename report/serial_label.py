from markupsafe import Markup

from odoo import api, models

from ..tools.labels import barcode_svg, label_barcode


class ReportSerialLabelSheet(models.AbstractModel):
    _name = "report.stock_serial_tracking.report_serial_label_sheet"
    _description = "Serial labels on a sheet"
    _layout = "sheet"
    # The barcode's size on the label, in mm (the label's width less its padding).
    _barcode_size = (60, 17)

    @api.model
    def _get_report_values(self, docids, data=None):
        """Labels from `data`: [[product id, serial], ...], layout, copies, gs1."""
        data = data or {}
        if not data.get("labels"):  # printed straight from selected serials
            lots = self.env["stock.lot"].browse(docids)
            data = {**data, "labels": [[lot.product_id.id, lot.name] for lot in lots]}
        products = self.env["product.product"].browse(
            {product_id for product_id, _serial in data["labels"]})
        labels = []
        for product_id, serial in data["labels"]:
            product = products.browse(product_id)
            symbology, encoded, human = label_barcode(
                serial, product.barcode if data.get("gs1") else None)
            labels += [{
                "product": product, "serial": serial, "symbology": symbology,
                "encoded": encoded, "human": human,
                # python-barcode's own SVG, as wide as the label
                "svg": Markup(barcode_svg(symbology, encoded, *self._barcode_size)),
            }] * max(1, int(data.get("copies") or 1))
        return {"labels": labels, "layout": self._layout}


class ReportSerialLabelRoll(models.AbstractModel):
    _name = "report.stock_serial_tracking.report_serial_label_roll"
    _inherit = "report.stock_serial_tracking.report_serial_label_sheet"
    _description = "Serial labels on a roll"
    _layout = "roll"
    _barcode_size = (54, 14)
