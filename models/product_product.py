from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    # Next Serial lives on the template's lot sequence; receipts work with variants.
    def _peek_serials(self, count):
        return self.product_tmpl_id._peek_serials(count)

    def _reserve_serials(self, count, expected_first=None):
        return self.product_tmpl_id._reserve_serials(count, expected_first=expected_first)
