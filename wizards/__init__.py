from . import (
    stock_return_picking,
    stock_serial_entry,
    stock_serial_find,
    stock_serial_input_mixin,
    stock_serial_label_print,
    stock_serial_select,
)
