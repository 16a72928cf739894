from . import (
    test_delivery_serials,
    test_fast_validation_equivalence,
    test_i18n,
    test_next_serial,
    test_receipt_serials,
    test_returns_and_list,
    test_serial_labels,
    test_serial_parser,
    test_serial_text,
    test_serialized_flag,
    test_tours,
    test_xmlrpc,
)
