from . import stock_serial_entry
