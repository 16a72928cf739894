"""The private parts of Odoo this addon relies on, in one place.

Odoo may rename or reshape a private name in any release without notice: an override of a
method Odoo no longer has is dead code, a call to one that changed breaks at run time.
`tests/test_odoo_private_api.py` checks every name below against the running Odoo and
fails naming it when an update changed it. A new use of a private name goes here first.
"""

# Odoo's private methods the addon overrides, with Odoo's parameters as they are in 19.0.
# The test also finds every override in the addon's classes, so none is left out.
OVERRIDDEN_METHODS = {
    ("product.template", "_inverse_serial_prefix_format"): "(self)",
    ("stock.lot", "_check_company"): "(self, fnames=None)",
    ("stock.lot", "_write_multi"): "(self, vals_list)",
    ("stock.move", "_action_assign"): "(self, force_qty=False)",
    ("stock.move", "_get_out_move_lines"): "(self, lot=None)",
    ("stock.move", "_update_reserved_quantity"): (
        "(self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True)"),
    ("stock.move.line", "_action_done"): "(self)",
    ("stock.move.line", "_check_company"): "(self, fnames=None)",
    ("stock.move.line", "_prepare_new_lot_vals"): "(self)",
    ("stock.move.line", "_synchronize_quant"): (
        "(self, quantity, location, action='available', in_date=False, **quants_value)"),
    ("stock.move.line", "_write_multi"): "(self, vals_list)",
    ("stock.picking", "_action_done"): "(self)",
    ("stock.picking", "_sanity_check"): "(self, separate_pickings=True)",
    ("stock.quant", "_check_company"): "(self, fnames=None)",
    ("stock.quant", "_update_available_quantity"): (
        "(self, product_id, location_id, quantity=False, reserved_quantity=False, "
        "lot_id=None, package_id=None, owner_id=None, in_date=None)"),
    ("stock.quant", "_write_multi"): "(self, vals_list)",
    ("stock.return.picking", "_create_return"): "(self)",
    ("stock.serial.set.wise.flush", "_write_multi"): "(self, vals_list)",
}

# Odoo's private methods and attributes the addon calls or reads, by the model they are
# called on.
CALLED_ON_MODELS = {
    "ir.actions.act_window": ("_for_xml_id",),
    "ir.sequence": ("_get_prefix_suffix",),
    "mail.message": ("_log_access",),
    "stock.location": ("_get_next_inventory_date", "_should_be_valued"),
    "stock.lot": ("_creation_message", "_message_log_batch", "_check_company_domain",
                  "_validate_fields", "_parent_store"),
    "stock.move": ("_do_unreserve", "_recompute_state", "_should_bypass_reservation"),
    "stock.move.line": ("_should_exclude_for_valuation", "_validate_fields"),
    "stock.quant": ("_gather", "_is_inventory_mode"),
}

# The ORM's internals used by the set-wise inserts and updates (models/set_wise.py).
FIELD_METHODS = {"Field": ("_insert_cache", "_invalidate_cache", "_get_cache"),
                 "Many2one": ("_update_inverses",)}
ORM_MODULE_NAMES = {"odoo.orm.models": ("UPDATE_BATCH_SIZE",)}
TRANSACTION_ATTRIBUTES = ("tocompute",)
ENVIRONMENT_METHODS = ("remove_to_compute",)
