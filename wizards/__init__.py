from . import stock_serial_entry, stock_serial_input_mixin
