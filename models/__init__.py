from . import (
    product_product,
    product_template,
    set_wise,
    stock_lot,
    stock_move,
    stock_move_line,
    stock_picking,
    stock_picking_type,
    stock_quant,
    stock_serial_validation,
)
