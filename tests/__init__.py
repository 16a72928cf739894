from . import (
    test_next_serial,
    test_receipt_serials,
    test_serial_parser,
    test_serial_text,
    test_serialized_flag,
    test_tours,
)
