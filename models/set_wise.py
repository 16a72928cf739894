"""Set-wise stand-ins for the ORM's record-by-record work, for the thousands of serialized
units of one transfer: each writes what the ORM would write, then does what the ORM does
around its own statements (cache, recomputations, constraints, access)."""

import contextvars
import logging
from collections import defaultdict
from contextlib import contextmanager

from odoo import models
from odoo.orm.models import UPDATE_BATCH_SIZE
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Column types whose values psycopg2 passes as typed arrays as they are (not jsonb, whose
# values need wrapping, nor translated or company-dependent fields, which merge values).
ARRAY_COLUMN_TYPES = frozenset({"int4", "varchar", "text", "bool", "numeric", "float8",
                                "date", "timestamp"})


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


def _plain_column(field):
    return (field.column_type and field.column_type[0] in ARRAY_COLUMN_TYPES
            and not field.translate and not field.company_dependent)


def _once_per_value(convert):
    """`convert(field, value)`, computed once per distinct value: values repeat across
    thousands of rows (the move, the product, the location, the date)."""
    converted = {}

    def convert_once(field, value):
        key = (field.name, value)
        if key not in converted:
            converted[key] = convert(field, value)
        return converted[key]

    return convert_once


def _same_for_all(values):
    first = values[0]
    return values.count(first) == len(values) and {type(value) for value in values} == {
        type(first)}


def _rows_as_set(fields, columns, convert, ids=None):
    """The values of `fields` (`columns`: field name -> values, row by row) as a set of
    rows for an INSERT or UPDATE: returns ({field name: SQL expression of its value},
    SQL source of the rows). Values that differ from row to row come from arrays
    (`unnest`; `new.id` from `ids` if given); a value the same in every row (the move,
    the product, the date, the user: most columns of a unit's line) is sent once: ten
    thousand copies of it cost more to send and parse than the rows' own values."""
    convert = _once_per_value(convert)
    expressions, names, arrays = {}, [], []
    if ids is not None:
        names.append(SQL.identifier("id"))
        arrays.append(SQL("%s::int4[]", list(ids)))
    for field in fields:
        values = columns[field.name]
        column_type = SQL(field.column_type[1])
        if _same_for_all(values):
            expressions[field.name] = SQL("%s::%s", convert(field, values[0]), column_type)
            continue
        expressions[field.name] = SQL("new.%s", SQL.identifier(field.name))
        names.append(SQL.identifier(field.name))
        arrays.append(SQL("%s::%s[]", [convert(field, value) for value in values], column_type))
    source = (SQL("unnest(%s) AS new(%s)", SQL(", ").join(arrays), SQL(", ").join(names))
              if arrays else SQL("generate_series(1, %s)", len(next(iter(columns.values())))))
    return expressions, source


def _forget_inverses(records, fields):
    """Forget the cached one2many lists that `fields` of `records` are the inverse of: they
    miss the records written. Only those lists (the model-level invalidation would also
    drop `fields` from the cache of every record)."""
    for field in fields:
        for inverse in records.pool.field_inverses[field]:
            inverse._invalidate_cache(records.env)


def _add_to_inverses(records, fields, columns):
    """Add new `records` to the cached one2many lists that their `fields` (values in
    `columns`) are the inverse of, with Odoo's own `_update_inverses` (what its create
    does), once per list in cache: a list not in cache is read when needed, and asking
    for each of thousands of values (one serial per line) would cost more than the read."""
    for field in fields:
        inverses = records.pool.field_inverses[field]
        cached = set().union(*(inverse._get_cache(records.env) for inverse in inverses))
        ids_by_value = defaultdict(list)
        for record_id, value in zip(records._ids, columns[field.name], strict=True):
            if value in cached:
                ids_by_value[value].append(record_id)
        for value, ids in ids_by_value.items():
            field._update_inverses(records.browse(ids), value)


def _why_odoo_creates(model, vals_list, keys, fields_given, must_be_given, create_modules):
    """Why Odoo's create must make these records rather than one insert, or None."""
    overriding = sorted(
        {cls.__module__.split(".")[2] for cls in type(model).mro()
         if "create" in vars(cls) and cls.__module__.startswith("odoo.addons.")}
        - set(create_modules) - {"stock_serial_tracking"})
    if overriding:
        return f"create is overridden by {', '.join(overriding)}"
    if not must_be_given <= keys:
        return ("stored fields with a default, or computed and required, are not given: "
                f"{', '.join(sorted(must_be_given - keys))}")
    if model._parent_store:
        return "the model keeps a parent path"
    if any(set(vals) | keys != keys for vals in vals_list):
        return "the records are given different fields"
    not_plain = sorted(field.name for field in fields_given if not _plain_column(field))
    if not_plain:
        return f"fields that are not plain columns: {', '.join(not_plain)}"
    return None


def create_with_known_values(model, vals_list, create_modules, enabled=True):
    """Insert records whose every stored value is given, all in one query, then do what
    the ORM does after its own insert: values put in cache, inverse fields refreshed,
    fields depending on the new records marked for recomputation, constraints checked,
    create access checked. Stored computed fields not given (those other modules add, as
    product_expiry's dates) are computed afterwards, as Odoo's create does for the fields
    it does not precompute: the same values, from the same methods.

    Odoo's create looks up defaults and precomputes values record by record and inserts
    a hundred rows per query; for thousands of serialized units whose values the caller
    knows, that is most of the time of a validation. The caller replaces the create
    overrides of `create_modules` for its case. Returns None, creating nothing, when
    Odoo's create would do more than that: a stored field with a default, or computed and
    required, is missing from the values, a value is not a plain column, another module overrides
    create, or the caller's switch `enabled` is off: the caller then uses create.
    """
    if not vals_list:
        return model.browse()
    if not enabled:
        return None
    keys = set(vals_list[0]) | set(models.LOG_ACCESS_COLUMNS)
    fields_given = [model._fields[name] for name in keys]
    # A default is Odoo's to give; a required column cannot wait for its computation.
    must_be_given = {name for name, field in model._fields.items() if field.store and (
        field.default or (field.compute and field.required))}
    computed_afterwards = [field for name, field in model._fields.items()
                           if field.store and field.compute and name not in keys
                           and name not in must_be_given]
    reason = _why_odoo_creates(model, vals_list, keys, fields_given, must_be_given,
                               create_modules)
    if reason:
        _logger.info("%s %s records created by Odoo's create, not in one insert: %s",
                     len(vals_list), model._name, reason)
        return None
    model.check_access("create")
    now = model.env.cr.now()
    log_values = {"create_uid": model.env.uid, "create_date": now,
                  "write_uid": model.env.uid, "write_date": now}
    columns = {field.name: [log_values[field.name]] * len(vals_list)
               if field.name in log_values else [vals[field.name] for vals in vals_list]
               for field in fields_given}
    expressions, source = _rows_as_set(fields_given, columns, lambda field, value:
                                       field.convert_to_column_insert(value, model))
    model.env.cr.execute(SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s RETURNING id",
        SQL.identifier(model._table),
        SQL(", ").join(SQL.identifier(field.name) for field in fields_given),
        SQL(", ").join(expressions[field.name] for field in fields_given), source))
    # One statement, one session: the sequence numbers the rows in the order given.
    records = model.browse(sorted(record_id for record_id, in model.env.cr.fetchall()))
    # In cache as a read would put them: the checks and computations below read no row.
    to_cache = _once_per_value(lambda field, value: field.convert_to_cache(value, records))
    for field in model._fields.values():
        if field.name in keys:
            values = columns[field.name]
            field._insert_cache(records, [to_cache(field, values[0])] * len(records)
                                if _same_for_all(values)
                                else [to_cache(field, value) for value in values])
        elif field in computed_afterwards:
            continue
        elif field.store and field.type in ("one2many", "many2many"):
            field._insert_cache(records, [()] * len(records))
        elif field.store:
            field._insert_cache(records, [None] * len(records))
    _add_to_inverses(records, [field for field in fields_given if field.type == "many2one"],
                     columns)
    with model.env.protecting([field for field in fields_given if field.compute], records):
        records.modified(keys, create=True)
    for field in computed_afterwards:
        model.env.add_to_compute(field, records)
    records._validate_fields(keys)
    return records


def update_set_wise(records, fname, values, expression=None):
    """Write one value per record (`values`, in the order of `records`) to `fname` in one
    statement, as `expression` of the column and the value (SQL, the value being
    `new.value`; by default the value itself), then do what the ORM does after a write:
    forget the stale cache, mark what depends on the field for recomputation.
    Through write, the ORM's flush updates a hundred rows per statement."""
    field = records._fields[fname]
    records.flush_recordset([fname])
    records.env.cr.execute(SQL(
        """UPDATE %(table)s SET %(column)s = %(expression)s, write_uid = %(uid)s,
                  write_date = %(now)s
             FROM unnest(%(ids)s::int[], %(values)s::%(type)s[]) AS new(id, value)
            WHERE %(table)s.id = new.id""",
        table=SQL.identifier(records._table), column=SQL.identifier(fname),
        expression=expression or SQL("new.value"), uid=records.env.uid,
        now=records.env.cr.now(), ids=records.ids, values=list(values),
        type=SQL(field.column_type[1])), log_exceptions=False)  # a conflict: Odoo retries
    records.invalidate_recordset([fname, "write_uid", "write_date"])
    _forget_inverses(records, [field])
    records.modified([fname])


def log_creation_messages(records):
    """Log the chatter message Odoo's create logs on each new record ("Lot/Serial Number
    created"), for thousands of records at once.

    The message is the same on every record but its `res_id` (same body, author, subtype,
    message id: Odoo logs them as one batch). The first is logged by Odoo
    (`_message_log_batch`, as its create does); the others are copies of its row, so every
    column, including what other modules add to messages, is what Odoo wrote."""
    if not records:
        return
    first, others = records[:1], records[1:]
    message = first._message_log_batch(bodies={first.id: first._creation_message()})
    if not others:
        return
    messages = records.env["mail.message"]
    messages.flush_model()
    columns = [SQL.identifier(field.name) for field in messages._fields.values()
               if field.store and field.column_type and field.name not in ("id", "res_id")]
    records.env.cr.execute(SQL(
        """INSERT INTO mail_message (res_id, %(columns)s)
           SELECT new.res_id, %(columns)s
             FROM mail_message, unnest(%(ids)s::int[]) WITH ORDINALITY AS new(res_id, position)
            WHERE mail_message.id = %(message)s
         ORDER BY new.position""",
        columns=SQL(", ").join(columns), ids=others.ids, message=message.id))
    others.invalidate_recordset(["message_ids"])


@contextmanager
def recomputations_dropped(model, fnames):
    """Drop the recomputations of `fnames` of `model` that the code within marks: the
    caller knows that its change leaves those values as they are, which Odoo's
    dependencies cannot tell (any new line of a serial marks its dates, which only done
    lines change). Recomputations marked before stay."""
    tocompute = model.env.transaction.tocompute
    fields = [model._fields[fname] for fname in fnames]
    marked_before = {field: set(tocompute.get(field, ())) for field in fields}
    yield
    for field in fields:
        marked = set(tocompute.get(field, ())) - marked_before[field]
        model.env.remove_to_compute(field, model.browse(marked))


# The models whose flushes of thousands of rows are written from arrays (SetWiseFlush).
SET_WISE_FLUSHED_MODELS = ("stock.quant", "stock.move.line", "stock.lot")
# Set during an operation of the batched paths on a transfer (see set_wise_flushes).
_flushing_set_wise = contextvars.ContextVar("stock_serial_tracking_set_wise", default=False)


@contextmanager
def set_wise_flushes(env):
    """Within this block, an operation of the batched paths on one transfer (its entry,
    its confirmation, its validation), the flushes of thousands of quants, lines and
    serials are written from arrays (SetWiseFlush); the block flushes those models before
    it ends, so that none of their writes is left to a later flush. Other writes keep
    Odoo's flush, when Odoo does it (other models' recomputations and the chatter
    tracking they feed stay where Odoo has them)."""
    if _flushing_set_wise.get():
        yield
        return
    token = _flushing_set_wise.set(True)
    try:
        yield
        for model in SET_WISE_FLUSHED_MODELS:
            env[model].flush_model()
    finally:
        _flushing_set_wise.reset(token)


class SetWiseFlush(models.AbstractModel):
    """Flushes of thousands of rows from arrays, within the operations of the batched
    paths (set_wise_flushes): one statement per set of fields written and thousand rows
    (the flush's batch), where Odoo writes a hundred rows per statement from a VALUES
    list. The same rows get the same values. Off with the batched paths (system
    parameter, see StockQuant._batched_validation_enabled)."""

    _name = "stock.serial.set.wise.flush"
    _description = "Flushes of thousands of rows in one statement"

    def _write_multi(self, vals_list):
        if (not _flushing_set_wise.get() or len(self) <= UPDATE_BATCH_SIZE
                or self._parent_store
                or not self.env["stock.quant"]._batched_validation_enabled()):
            return super()._write_multi(vals_list)
        if self._log_access:
            log_values = {"write_uid": self.env.uid, "write_date": self.env.cr.now()}
            vals_list = [log_values | vals for vals in vals_list]
        ids_by_fields = defaultdict(list)  # field names -> [(id, values)]
        for record_id, vals in zip(self._ids, vals_list, strict=True):
            ids_by_fields[tuple(sorted(vals))].append((record_id, vals))
        for fnames, rows in ids_by_fields.items():
            fields = [self._fields[name] for name in fnames]
            if len(rows) <= UPDATE_BATCH_SIZE or not all(map(_plain_column, fields)):
                super(SetWiseFlush, self.browse([record_id for record_id, _vals in rows])
                      )._write_multi([vals for _id, vals in rows])
                continue
            expressions, source = _rows_as_set(
                fields, {field.name: [vals[field.name] for _id, vals in rows]
                         for field in fields},
                lambda _field, value: value, ids=[record_id for record_id, _vals in rows])
            self.env.execute_query(SQL(
                "UPDATE %(table)s SET %(assignments)s FROM %(source)s WHERE %(table)s.id = new.id",
                table=SQL.identifier(self._table),
                assignments=SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(field.name), expressions[field.name])
                    for field in fields),
                source=source))
        return None
