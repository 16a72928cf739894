import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, str2bool

BATCHED_VALIDATION_PARAM = "stock_serial_tracking.batched_validation"

_logger = logging.getLogger(__name__)


def records_to_check_one_by_one(records, fnames):
    """The part of `records` whose companies Odoo's `_check_company` must check record by
    record: none when each company's linked records, taken together, pass the check.

    Odoo checks each record's links against the record's company, one `filtered_domain`
    per record and field; the outcome depends only on the company and the records linked,
    so one check per company and field over all of them says the same. A company that
    fails is handed back to Odoo's check, which words the error as usual.
    """
    if not records.env.context.get("serial_batch_line_ids") or len(records) < 2:
        return records
    if fnames is None or {"company_id", "company_ids"} & set(fnames):
        fnames = records._fields
    fields_checked = [records._fields[name] for name in fnames]
    fields_checked = [field for field in fields_checked if field.relational and field.check_company]
    if any(field.company_dependent for field in fields_checked):
        return records
    failing = records.browse()
    for company, group in records.sudo().grouped("company_id").items():
        for field in fields_checked:
            linked = group[field.name]
            domain = linked._check_company_domain(company) if linked else None
            if domain and linked != linked.with_context(active_test=False).filtered_domain(domain):
                failing |= group
                break
    return records.browse(failing.ids)


def create_with_known_values(model, vals_list, create_modules):
    """Insert records whose every stored value is given, all in one query, then do what
    the ORM does after its own insert: inverse fields refreshed, fields depending on the
    new records marked for recomputation, constraints checked, create access checked.

    Odoo's create looks up defaults and precomputes values record by record and inserts
    a hundred rows per query; for thousands of serialized units whose values the caller
    knows, that is most of the time of a validation. The caller replaces the create
    overrides of `create_modules` for its case. Returns None, creating nothing, when
    Odoo's create would do more than that: a stored field computed or with a default is
    missing from the values, a value is not a plain column, another module overrides
    create, or the batched paths are turned off (system parameter, see
    StockQuant._batched_validation_enabled): the caller then uses create.
    """
    if not vals_list:
        return model.browse()
    keys = set(vals_list[0]) | set(models.LOG_ACCESS_COLUMNS)
    fields_given = [model._fields[name] for name in keys]
    overriding = {cls.__module__.split(".")[2] for cls in type(model).mro()
                  if "create" in vars(cls) and cls.__module__.startswith("odoo.addons.")}
    filled_by_odoo = {name for name, field in model._fields.items()
                      if field.store and (field.compute or field.default)}
    if (not overriding <= set(create_modules) | {"stock_serial_tracking"}
            or not filled_by_odoo <= keys or model._parent_store
            or any(set(vals) | keys != keys for vals in vals_list)
            or any(not field.column_type or field.translate for field in fields_given)
            or not model.env["stock.quant"]._batched_validation_enabled()):
        return None
    model.check_access("create")
    now = model.env.cr.now()
    log_values = {"create_uid": model.env.uid, "create_date": now,
                  "write_uid": model.env.uid, "write_date": now}
    rows = [{**vals, **log_values} for vals in vals_list]
    converted = {}  # (field name, value) -> column value: values repeat across the rows

    def column_value(field, value):
        key = (field.name, value)
        if key not in converted:
            converted[key] = field.convert_to_column_insert(value, model)
        return converted[key]

    model.env.cr.execute(SQL(
        "INSERT INTO %s (%s) SELECT * FROM unnest(%s) RETURNING id",
        SQL.identifier(model._table),
        SQL(", ").join(SQL.identifier(field.name) for field in fields_given),
        SQL(", ").join(SQL("%s::%s[]", [column_value(field, row[field.name]) for row in rows],
                           SQL(field.column_type[1])) for field in fields_given)))
    # One statement, one session: the sequence numbers the rows in the order given.
    records = model.browse(sorted(record_id for record_id, in model.env.cr.fetchall()))
    for field in fields_given:
        for inverse in model.pool.field_inverses[field]:
            model.env[inverse.model_name].invalidate_model([inverse.name])
    computed = [model._fields[name] for name in filled_by_odoo if model._fields[name].compute]
    with model.env.protecting(computed, records):
        records.modified(keys, create=True)
    records._validate_fields(keys)
    return records


class SerialUnitBatch:
    """Quant changes for serialized units, applied set-wise: the same end state as Odoo's
    `_update_reserved_quantity` and `_update_available_quantity` called line after line."""

    def __init__(self, env):
        self.env = env
        self.line_ids = set()
        self.creates = []  # values of new quants
        self.writes = []  # (quant, values)

    def __bool__(self):
        return bool(self.line_ids)

    def merge(self, other):
        self.line_ids |= other.line_ids
        self.creates += other.creates
        self.writes += other.writes

    def add_line(self, line, by_key, untracked, now):
        """Plan the line's changes; False when its quants are not the simple case."""
        product, lot = line.product_id, line.lot_id
        source, destination = line.location_id, line.location_dest_id
        if (product, source) in untracked or (product, destination) in untracked:
            return False  # Odoo would mix units without serial in (dates, negative stock)
        at_source = by_key.get((product, source, lot), [])
        at_destination = by_key.get((product, destination, lot), [])
        if len(at_source) > 1 or len(at_destination) > 1:
            return False
        if source.should_bypass_reservation():
            # A vendor, a customer, an inventory loss: its quant goes one unit down, dated now.
            in_date = now
            self._add_unit(product, source, lot, at_source, -1, {"in_date": now})
        else:
            # A unit in stock, reserved by this line at most: both released, date kept.
            quant = at_source[0] if at_source else None
            if (not quant or quant.quantity != 1 or quant.reserved_quantity not in (0, 1)
                    or not quant.in_date):
                return False
            in_date = quant.in_date
            self.writes.append((quant, {"quantity": 0, "reserved_quantity": 0}))
        quant = at_destination[0] if at_destination else None
        if quant and not destination.should_bypass_reservation() and quant.in_date \
                and quant.quantity > 0:
            in_date = min(in_date, quant.in_date)
        self._add_unit(product, destination, lot, at_destination, 1, {"in_date": in_date})
        self.line_ids.add(line.id)
        return True

    def _add_unit(self, product, location, lot, existing, quantity, values):
        if existing:
            quant = existing[0]
            self.writes.append((quant, {**values, "quantity": quant.quantity + quantity}))
        else:
            self.creates.append({"product_id": product.id, "location_id": location.id,
                                 "lot_id": lot.id, "quantity": quantity, **values})

    def apply(self):
        quants = self.env["stock.quant"].sudo().with_context(
            serial_batch_line_ids=frozenset(self.line_ids))
        quants._create_serial_unit_quants(self.creates)
        groups = defaultdict(list)  # one write per set of values (most share them)
        for quant, values in self.writes:
            groups[tuple(sorted(values.items()))].append(quant.id)
        for values, ids in groups.items():
            quants.browse(ids).write(dict(values))


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, quantity=False,
                                   reserved_quantity=False, lot_id=None, package_id=None,
                                   owner_id=None, in_date=None):
        if lot_id and product_id.tracking == "serial":
            self._lock_serial_quants(product_id, location_id, lot_id, package_id, owner_id)
        return super()._update_available_quantity(
            product_id, location_id, quantity=quantity, reserved_quantity=reserved_quantity,
            lot_id=lot_id, package_id=package_id, owner_id=owner_id, in_date=in_date)

    @api.model
    def _lock_serial_quants(self, product, location, lot, package=None, owner=None):
        """Wait for the row lock on the serial's quant at `location`.

        Odoo locks quants with SKIP LOCKED: when another transaction holds the serial's quant,
        it creates a second quant for the same serial and location — a second unit that does
        not exist. For serials we wait instead; a concurrent change then surfaces as a
        serialization failure, which Odoo retries with a fresh view of the stock.
        """
        self.env.cr.execute(SQL(
            """SELECT id FROM stock_quant
                WHERE product_id = %s AND location_id = %s AND lot_id = %s
                  AND package_id IS NOT DISTINCT FROM %s AND owner_id IS NOT DISTINCT FROM %s
                  FOR NO KEY UPDATE""",
            product.id, location.id, lot.id, package.id if package else None,
            owner.id if owner else None), log_exceptions=False)  # retried by Odoo, not a bug

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, quantity, lot_id=None,
                                  package_id=None, owner_id=None, strict=True):
        if self.env.context.get("serial_reservation_set_wise"):
            return None  # the caller reserves these units itself, in one batch
        return super()._update_reserved_quantity(
            product_id, location_id, quantity, lot_id=lot_id, package_id=package_id,
            owner_id=owner_id, strict=strict)

    @api.model
    def _change_reserved_quantities(self, changes):
        """Apply {quant id: change} to reserved quantities (never below zero) in one query;
        through write, the ORM would update them a hundred rows at a time."""
        changes = {quant_id: change for quant_id, change in changes.items() if change}
        if not changes:
            return
        quants = self.sudo().browse(changes)
        quants.flush_recordset(["reserved_quantity"])
        self.env.cr.execute(SQL(
            """UPDATE stock_quant quant
                  SET reserved_quantity = GREATEST(quant.reserved_quantity + change.amount, 0),
                      write_uid = %s, write_date = %s
                 FROM unnest(%s::int[], %s::numeric[]) AS change(id, amount)
                WHERE quant.id = change.id""",
            self.env.uid, self.env.cr.now(), list(changes), list(changes.values())))
        quants.invalidate_recordset(["reserved_quantity", "write_uid", "write_date"])
        quants.modified(["reserved_quantity"])

    def _check_company(self, fnames=None):
        return super(StockQuant, records_to_check_one_by_one(self, fnames))._check_company(fnames)

    # -- Batched validation of serialized units ------------------------------------------
    @api.model
    def _batched_validation_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCHED_VALIDATION_PARAM, "True")
        return str2bool(value, default=True)

    @api.model
    def _serial_unit_batch(self, lines):
        """The quant changes Odoo's validation would make for these serialized units, one
        line at a time (stock.move.line._synchronize_quant), found for all of them at once.

        A product whose quants do not have the simple shape those changes assume (several
        quants for one serial at one place, units without serial beside them, a unit that
        is not exactly in stock where it leaves) is left out: Odoo's path handles it.
        """
        batch = SerialUnitBatch(self.env)
        if not lines:
            return batch
        locations = lines.location_id | lines.location_dest_id
        quants = self.sudo().search(
            [("product_id", "in", lines.product_id.ids), ("location_id", "in", locations.ids),
             "|", ("lot_id", "in", lines.lot_id.ids), ("lot_id", "=", False)])
        # Locked, waiting like _lock_serial_quants, then read afresh: what another
        # transaction did to these units is seen, and nobody changes them until this one ends.
        if quants:
            self.env.cr.execute(SQL(
                "SELECT id FROM stock_quant WHERE id IN %s FOR NO KEY UPDATE",
                tuple(quants.ids)), log_exceptions=False)  # retried by Odoo, not a bug
        quants.invalidate_recordset(["quantity", "reserved_quantity", "in_date"])
        quants.fetch(["product_id", "location_id", "lot_id", "package_id", "owner_id",
                      "quantity", "reserved_quantity", "in_date"])
        by_key = defaultdict(list)  # Odoo's "strict" quants: no package, no owner
        untracked = set()
        for quant in quants:
            if not quant.lot_id:
                untracked.add((quant.product_id, quant.location_id))
            elif not (quant.package_id or quant.owner_id):
                by_key[quant.product_id, quant.location_id, quant.lot_id].append(quant)
        now = fields.Datetime.now()
        for product_lines in lines.grouped("product_id").values():
            changes = SerialUnitBatch(self.env)
            lots = product_lines.lot_id
            fits = len(lots) == len(product_lines) and all(
                changes.add_line(line, by_key, untracked, now) for line in product_lines)
            if fits:
                batch.merge(changes)
        _logger.debug("Batched validation: %s of %s serialized units", len(batch.line_ids),
                      len(lines))
        return batch

    @api.model
    def _create_serial_unit_quants(self, vals_list):
        """Create the quants of serialized units, their computed values known beforehand.

        Odoo's stock.quant.create spends most of its time preparing each quant: one draft
        record per quant to precompute `lot_properties` (not even stored), defaults looked
        up one quant at a time, then `inventory_quantity_set` defaulted record by record.
        Outside inventory mode these quants' stored values are known, so they are inserted
        in one statement (see create_with_known_values).
        """
        if not vals_list:
            return self.browse()
        locations = self.env["stock.location"].browse({vals["location_id"] for vals in vals_list})
        counted = {location.id: location._get_next_inventory_date()
                   for location in locations if location.usage in ("internal", "transit")}
        complete = [{
            "reserved_quantity": 0, **vals,
            "company_id": locations.browse(vals["location_id"]).company_id.id,
            "inventory_date": counted.get(vals["location_id"], False),
            "inventory_quantity_set": False, "inventory_diff_quantity": 0,
        } for vals in vals_list]
        quants = None if self._is_inventory_mode() else create_with_known_values(
            self, complete, {"stock"})
        return self.create(vals_list) if quants is None else quants
