import logging
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, str2bool

from .set_wise import create_with_known_values, records_to_check_one_by_one, update_set_wise

BATCHED_VALIDATION_PARAM = "stock_serial_tracking.batched_validation"

_logger = logging.getLogger(__name__)


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
    _name = "stock.quant"
    _inherit = ["stock.quant", "stock.serial.set.wise.flush"]

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
    def _change_reserved_quantities(self, changes):
        """Apply {quant id: change} to reserved quantities (never below zero) in one query."""
        changes = {quant_id: change for quant_id, change in changes.items() if change}
        if changes:
            update_set_wise(self.sudo().browse(changes), "reserved_quantity", changes.values(),
                            SQL("GREATEST(stock_quant.reserved_quantity + new.value, 0)"))

    @api.model
    def _lock_free_serial_units(self, vals_list):
        """The quant of each line's serial (`vals_list`: values of lines of one unit, at
        their exact place, package and owner), locked, waiting for the transactions that
        hold it; None unless each is the only quant of its key, in stock since a known date,
        with as many units free as lines take from it (Odoo's reservation then only adds
        to its reserved quantity)."""
        keys = [(vals["product_id"], vals["location_id"], vals["lot_id"],
                 vals.get("package_id") or None, vals.get("owner_id") or None)
                for vals in vals_list]
        self.flush_model(["product_id", "location_id", "lot_id", "package_id", "owner_id",
                          "quantity", "reserved_quantity", "in_date"])
        columns = list(zip(*dict.fromkeys(keys), strict=True))
        self.env.cr.execute(SQL(
            """SELECT quant.id, quant.product_id, quant.location_id, quant.lot_id,
                      quant.package_id, quant.owner_id,
                      quant.in_date IS NOT NULL AND quant.quantity > 0,
                      quant.quantity - quant.reserved_quantity
                 FROM stock_quant quant
                 JOIN unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[])
                      AS wanted(product_id, location_id, lot_id, package_id, owner_id)
                   ON quant.product_id = wanted.product_id
                  AND quant.location_id = wanted.location_id
                  AND quant.lot_id = wanted.lot_id
                  AND quant.package_id IS NOT DISTINCT FROM wanted.package_id
                  AND quant.owner_id IS NOT DISTINCT FROM wanted.owner_id
             ORDER BY quant.id
                  FOR NO KEY UPDATE OF quant""",
            *(list(column) for column in columns)), log_exceptions=False)  # Odoo retries
        found = defaultdict(list)  # key -> [(quant id, in stock, free units)]
        for quant_id, *key, in_stock, free in self.env.cr.fetchall():
            found[tuple(key)].append((quant_id, in_stock, free))
        taken = Counter(keys)
        if any(len(found[key]) != 1 or not found[key][0][1] or found[key][0][2] < count
               for key, count in taken.items()):
            return None
        return [found[key][0][0] for key in keys]

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
        company_of = {location.id: location.company_id.id for location in locations}
        complete = [{
            "reserved_quantity": 0, **vals,
            "company_id": company_of[vals["location_id"]],
            "inventory_date": counted.get(vals["location_id"], False),
            "inventory_quantity_set": False, "inventory_diff_quantity": 0,
        } for vals in vals_list]
        quants = None if self._is_inventory_mode() else create_with_known_values(
            self, complete, {"stock"}, enabled=self._batched_validation_enabled())
        return self.create(vals_list) if quants is None else quants
