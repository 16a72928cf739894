from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    # Odoo checks this uniqueness in Python, which two concurrent validations both pass;
    # the database is the last line of defence. Lots without company count as company 0.
    _product_company_name_uniq = models.UniqueIndex(
        "(product_id, COALESCE(company_id, 0), name)",
        "A serial or lot number can exist only once per product and company.")
