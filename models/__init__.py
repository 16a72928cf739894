from . import product_product, product_template
