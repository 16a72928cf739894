{
    "name": "Serial Number Tracking",
    "summary": "Serialized products: locked Serialized flag, Next Serial, serial entry "
    "on receipts, serial selection on deliveries",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/stock-serial-tracking/stock_serial_tracking",
    "author": "stock_serial_tracking contributors",
    "license": "LGPL-3",
    "depends": ["stock_account", "barcodes", "barcodes_gs1_nomenclature", "queue_job"],
    "external_dependencies": {"python": ["python-barcode"]},
    "data": [
        "security/stock_serial_tracking_security.xml",
        "security/ir.model.access.csv",
        "data/ir_config_parameter.xml",
        "data/queue_job_data.xml",
        "wizards/stock_serial_entry.xml",
        "wizards/stock_serial_select.xml",
        "wizards/stock_return_picking.xml",
        "views/stock_lot_views.xml",
        "wizards/stock_serial_find.xml",
        "wizards/stock_serial_label_print.xml",
        "report/serial_label_report.xml",
        "views/product_template_views.xml",
        "views/stock_picking_type_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_serial_validation_views.xml",
    ],
    "demo": [
        "demo/stock_serial_tracking_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "stock_serial_tracking/static/src/**/*",
        ],
        "web.assets_tests": [
            "stock_serial_tracking/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
