"""Real, committed, parallel transactions choosing and shipping the same serials.

Each worker runs in its own thread on its own cursor and retries like the RPC layer does
for every call: a concurrency error Odoo retries must end as a result or as a business
error, never reach the caller raw. The data is committed, so each test builds its own
product and removes everything it made at the end.
"""

import random
import threading
import time
import uuid
from functools import partial

from odoo import Command
from odoo.exceptions import UserError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from .common import committed_env


def call_like_rpc(function, env):
    """Call `function(env)` and commit, retrying concurrency errors as Odoo's `retrying`
    does for every RPC call (rollback, forget the caches, wait a random, growing delay,
    at most 5 tries). Odoo's own function cannot be used in a thread under Odoo's test
    runner: its reset looks the registry up under the lock the runner holds."""
    for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
        try:
            result = function(env)
            env.flush_all()
            env.cr.commit()
            return result
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            env.cr.rollback()
            env.transaction.clear()
            if attempt == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                raise
            time.sleep(random.uniform(0.0, 2 ** attempt))
    return None


@tagged("post_install", "-at_install")
class TestConcurrentDeliveries(TransactionCase):

    def setUp(self):
        super().setUp()
        self.prefix = f"CC{uuid.uuid4().hex[:6].upper()}-"
        with committed_env(self.registry) as env:
            self.stock_id = env.ref("stock.stock_location_stock").id
            self.customers_id = env.ref("stock.stock_location_customers").id
            self.delivery_type_id = env.ref("stock.picking_type_out").id
            product = env["product.product"].create({
                "name": f"Race laptop {self.prefix}", "is_storable": True,
                "tracking": "serial"})
            self.product_id = product.id
            self.serials = [f"{self.prefix}{number:03d}" for number in range(1, 41)]
            receipt = env["stock.picking"].create({
                "picking_type_id": env.ref("stock.picking_type_in").id,
                "location_id": env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_id,
                "move_ids": [Command.create({
                    "product_id": product.id, "product_uom_qty": len(self.serials),
                    "location_id": env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": self.stock_id})],
            })
            receipt.action_confirm()
            receipt.move_ids.set_serials_from_text("\n".join(self.serials))
            receipt.button_validate()
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with committed_env(self.registry) as env:
            cr = env.cr
            cr.execute("SELECT DISTINCT picking_id FROM stock_move WHERE product_id = %s",
                       [self.product_id])
            picking_ids = [row[0] for row in cr.fetchall() if row[0]]
            for table in ("stock_move_line", "stock_move", "stock_quant", "stock_lot"):
                cr.execute(SQL("DELETE FROM %s WHERE product_id = %s",
                               SQL.identifier(table), self.product_id))
            if picking_ids:
                cr.execute("DELETE FROM stock_picking WHERE id IN %s", [tuple(picking_ids)])
            template = env["product.product"].browse(self.product_id).product_tmpl_id
            cr.execute("DELETE FROM product_product WHERE id = %s", [self.product_id])
            cr.execute("DELETE FROM product_template WHERE id = %s", [template.id])

    def _create_deliveries(self, count, quantity):
        with committed_env(self.registry) as env:
            deliveries = env["stock.picking"].create([{
                "picking_type_id": self.delivery_type_id,
                "location_id": self.stock_id, "location_dest_id": self.customers_id,
                "move_ids": [Command.create({
                    "product_id": self.product_id, "product_uom_qty": quantity,
                    "location_id": self.stock_id, "location_dest_id": self.customers_id})],
            } for _ in range(count)])
            deliveries.action_confirm()
            return deliveries.ids

    def _run_in_parallel(self, jobs):
        """Run each (name, function(env)) in its own thread and transaction, all released
        at once; returns {name: ("ok", result) | ("business", message) | ("raw", error)}."""
        start = threading.Barrier(len(jobs))
        outcomes = {}

        def work(name, function):
            try:
                with committed_env(self.registry) as env:
                    start.wait(timeout=60)
                    outcomes[name] = ("ok", call_like_rpc(function, env))
            except UserError as error:
                outcomes[name] = ("business", str(error))
            except Exception as error:  # noqa: BLE001 - what reaches a caller is the point
                outcomes[name] = ("raw", f"{type(error).__name__}: {error}")

        threads = [threading.Thread(target=work, args=job) for job in jobs]
        # Conflicting statements are expected here, and retried: not "bad query" errors.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 300  # for all of them: a hang fails in minutes
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self.assertFalse([thread for thread in threads if thread.is_alive()], "a worker hung")
        return outcomes

    def _shipped(self, env, picking_id):
        picking = env["stock.picking"].browse(picking_id)
        return picking.state, sorted(picking.move_line_ids.lot_id.mapped("name"))

    def _assert_invariants(self):
        with committed_env(self.registry) as env:
            self.assertEqual(env["stock.lot"]._serial_invariant_violations(), {})

    def test_two_deliveries_choosing_the_same_serials(self):
        first, second = self._create_deliveries(2, 3)
        chosen = "\n".join(self.serials[:3])

        def choose(picking_id, env):
            return env["stock.picking"].browse(picking_id).move_ids.set_serials_from_text(chosen)

        outcomes = self._run_in_parallel([(first, partial(choose, first)),
                                          (second, partial(choose, second))])
        kinds = sorted(kind for kind, _result in outcomes.values())
        self.assertEqual(kinds, ["business", "ok"], outcomes)
        winner = next(name for name, (kind, _r) in outcomes.items() if kind == "ok")
        loser = next(name for name, (kind, _r) in outcomes.items() if kind == "business")
        with committed_env(self.registry) as env:
            winner_name = env["stock.picking"].browse(winner).name
            message = outcomes[loser][1]
            self.assertIn(self.serials[0], message)
            self.assertIn(winner_name, message, "the error names the transfer that has it")
            self.assertEqual(self._shipped(env, winner)[1], sorted(self.serials[:3]))
            loser_lots = env["stock.picking"].browse(loser).move_line_ids.lot_id.mapped("name")
            self.assertFalse(set(loser_lots) & set(self.serials[:3]),
                             "the loser's lines kept none of the winner's serials")
        self._assert_invariants()

    def test_deliveries_taking_each_others_reserved_serials(self):
        # Odoo reserves one serial for each delivery at confirmation (oldest first); each
        # then chooses the serial Odoo reserved for the next one, all at once: every entry
        # releases a unit another one takes. They wait for each other's locks and Odoo's
        # retry sorts them out: no deadlock, no "taken" refusal for a unit nobody chose.
        deliveries = self._create_deliveries(6, 1)
        with committed_env(self.registry) as env:
            reserved = {picking_id: env["stock.picking"].browse(picking_id).move_line_ids
                        .lot_id.name for picking_id in deliveries}
        wanted = {picking_id: reserved[deliveries[(index + 1) % len(deliveries)]]
                  for index, picking_id in enumerate(deliveries)}

        def choose(picking_id, env):
            return env["stock.picking"].browse(picking_id).move_ids.set_serials_from_text(
                wanted[picking_id])

        outcomes = self._run_in_parallel(
            [(picking_id, partial(choose, picking_id)) for picking_id in deliveries])
        self.assertEqual({kind for kind, _result in outcomes.values()}, {"ok"}, outcomes)
        with committed_env(self.registry) as env:
            for picking_id in deliveries:
                lines = env["stock.picking"].browse(picking_id).move_line_ids
                self.assertEqual(lines.lot_id.mapped("name"), [wanted[picking_id]])
                self.assertTrue(lines.picked)
        self._assert_invariants()

    def test_a_delivery_whose_unit_was_taken_gets_another_one(self):
        first, second = self._create_deliveries(2, 1)
        with committed_env(self.registry) as env:
            taken = env["stock.picking"].browse(first).move_line_ids.lot_id.name
        with committed_env(self.registry) as env:
            env["stock.picking"].browse(second).move_ids.set_serials_from_text(taken)
        with committed_env(self.registry) as env:
            self.assertEqual(self._shipped(env, second), ("assigned", [taken]))
            state, lots = self._shipped(env, first)
            self.assertEqual(state, "assigned", "it got another unit, as Odoo would reserve")
            self.assertNotIn(taken, lots)
        self._assert_invariants()

    def test_twenty_deliveries_over_overlapping_serials(self):
        deliveries = self._create_deliveries(20, 3)
        rng = random.Random(8)
        # Every delivery wants 3 of the first 24 serials: many overlap.
        wanted = {picking_id: rng.sample(self.serials[:24], 3) for picking_id in deliveries}

        def choose_and_ship(picking_id, env):
            picking = env["stock.picking"].browse(picking_id)
            picking.move_ids.set_serials_from_text("\n".join(wanted[picking_id]))
            picking.button_validate()
            return True

        outcomes = self._run_in_parallel(
            [(picking_id, partial(choose_and_ship, picking_id)) for picking_id in deliveries])
        raw = {name: outcome for name, outcome in outcomes.items() if outcome[0] == "raw"}
        self.assertEqual(raw, {}, "no raw database error reaches a caller")
        shipped_by = {}
        with committed_env(self.registry) as env:
            for picking_id, (kind, _result) in outcomes.items():
                state, lots = self._shipped(env, picking_id)
                if kind == "ok":
                    self.assertEqual(state, "done")
                    self.assertEqual(lots, sorted(wanted[picking_id]),
                                     "a validated delivery shipped exactly its chosen serials")
                    for lot in lots:
                        self.assertNotIn(lot, shipped_by, f"{lot} shipped twice")
                        shipped_by[lot] = picking_id
                else:
                    self.assertNotEqual(state, "done")
        self.assertTrue(shipped_by, f"some deliveries went through: {outcomes}")
        self._assert_invariants()
