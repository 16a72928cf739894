"""Clients that write delivery lines themselves (as an integration or the detailed
operations do) beside clients that use the addon's entry, at once: each delivery ships
exactly the serials its client chose, no unit is ever reserved twice, two choices of one
unit end with one winner and one business error, and no raw database error reaches a
client."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import confirmed_transfer, serialized_product, sql
from odoo_server import Refused

CLIENTS = 20
UNITS = 5  # per delivery
RAW_DATABASE_ERRORS = ("could not serialize", "SerializationFailure", "deadlock",
                       "psycopg2", "Traceback", "Expected singleton")


@pytest.fixture(scope="module")
def admin(server):
    return server.xmlrpc("admin")


def serialized_stock(admin, name, count):
    """A serialized product with `count` units in stock; returns (product id, serials)."""
    product_id = serialized_product(admin, name)
    prefix = f"{name.replace(' ', '')}-{os.getpid()}-"
    serials = [f"{prefix}{number:03d}" for number in range(1, count + 1)]
    receipt_id, move_id = confirmed_transfer(admin, "receipt", product_id, count)
    admin.call("stock.move", "set_serials_from_text", [move_id], text="\n".join(serials))
    assert admin.call("stock.picking", "button_validate", [receipt_id]) is True
    return product_id, serials


def confirmed_delivery(admin, product_id, units):
    """A delivery Odoo reserves at confirmation: its serials are Odoo's tentative ones."""
    return confirmed_transfer(admin, "delivery", product_id, units)


def lot_ids(admin, serials):
    rows = admin.call("stock.lot", "search_read", [("name", "in", serials)], fields=["name"])
    return {row["name"]: row["id"] for row in rows}


def reserved_serials(admin, picking_id):
    lines = admin.call("stock.move.line", "search_read", [("picking_id", "=", picking_id)],
                       fields=["lot_id"])
    return sorted(line["lot_id"][1] for line in lines if line["lot_id"])


def write_lines_as_an_integration(client, picking_id, move_id, product_id, lots, refs):
    """Odoo's reserved lines out, one line per chosen serial in, then Validate."""
    old = client.call("stock.move.line", "search", [("move_id", "=", move_id)])
    client.call("stock.move.line", "unlink", old)
    client.call("stock.move.line", "create", [{
        "move_id": move_id, "picking_id": picking_id, "product_id": product_id,
        "lot_id": lot_id, "quantity": 1, "location_id": refs["stock.stock_location_stock"],
        "location_dest_id": refs["stock.stock_location_customers"]} for lot_id in lots])


def over_reserved_units():
    return sql("""SELECT count(*) FROM stock_quant quant
                   JOIN stock_location location ON location.id = quant.location_id
                  WHERE quant.lot_id IS NOT NULL AND location.usage = 'internal'
                    AND quant.reserved_quantity > quant.quantity""")[0][0]


class Monitor(threading.Thread):
    """Reads the stock while the clients work: the worst over-reservation seen."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.worst, self.reads = threading.Event(), 0, 0

    def run(self):
        while not self.stop.is_set():
            self.worst = max(self.worst, over_reserved_units())
            self.reads += 1
            self.stop.wait(0.05)


def test_each_delivery_ships_what_its_client_chose(server, admin):
    # Exactly the units the deliveries need, at the background threshold (validated at once).
    product_id, serials = serialized_stock(admin, "Mixed Phone", CLIENTS * UNITS)
    deliveries = [confirmed_delivery(admin, product_id, UNITS) for _ in range(CLIENTS)]
    lots = lot_ids(admin, serials)
    # Each client chooses the units Odoo reserved for the next delivery: every choice
    # takes over another delivery's tentative reservation.
    tentative = [reserved_serials(admin, picking_id) for picking_id, _move in deliveries]
    assert all(len(reserved) == UNITS for reserved in tentative)
    choices = [tentative[(index + 1) % CLIENTS] for index in range(CLIENTS)]
    clients = [server.xmlrpc("e2e_stock_a") for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)

    def work(index):
        client, (picking_id, move_id), chosen = clients[index], deliveries[index], choices[index]
        barrier.wait()
        try:
            if index % 2:
                client.call("stock.move", "set_serials_from_text", [move_id],
                            text="\n".join(chosen))
            else:
                write_lines_as_an_integration(client, picking_id, move_id, product_id,
                                              [lots[serial] for serial in chosen], client.refs)
            return client.call("stock.picking", "button_validate", [picking_id])
        except Refused as refused:
            return refused

    monitor = Monitor()
    monitor.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(work, range(CLIENTS)))
    monitor.stop.set()
    monitor.join()

    raw = [str(answer) for answer in answers if isinstance(answer, Refused)
           and any(text in str(answer) for text in RAW_DATABASE_ERRORS)]
    assert not raw, f"raw database errors reached clients: {raw}"
    assert monitor.reads > 10 and monitor.worst == 0, "a unit was reserved twice"
    for index, ((picking_id, _move), answer) in enumerate(zip(deliveries, answers,
                                                              strict=True)):
        state = admin.call("stock.picking", "read", [picking_id], fields=["state"])[0]["state"]
        if answer is True:
            assert state == "done"
            shipped = sorted(line["lot_id"][1] for line in admin.call(
                "stock.move.line", "search_read", [("picking_id", "=", picking_id)],
                fields=["lot_id"]))
            assert shipped == sorted(choices[index]), f"delivery {index} shipped others"
    # Disjoint choices: every client is served, after Odoo's retries if need be.
    assert [answer for answer in answers if answer is not True] == []
    assert over_reserved_units() == 0


def test_two_choices_of_one_unit_at_once_one_wins(server, admin):
    product_id, serials = serialized_stock(admin, "Contested Scope", 4)
    contested = serials[0]
    lot = lot_ids(admin, [contested])[contested]
    for round_number in range(3):  # a race may go either way: several rounds
        first, second = (confirmed_delivery(admin, product_id, 1) for _ in range(2))
        clients = [server.xmlrpc("e2e_stock_a") for _ in range(2)]
        barrier = threading.Barrier(2)

        def choose(index, first=first, second=second, clients=clients, barrier=barrier,
                   round_number=round_number):
            picking_id, move_id = (first, second)[index]
            barrier.wait()
            try:
                if (index + round_number) % 2:
                    clients[index].call("stock.move", "set_serials_from_text", [move_id],
                                        text=contested)
                else:
                    write_lines_as_an_integration(clients[index], picking_id, move_id,
                                                  product_id, [lot], clients[index].refs)
                return True
            except Refused as refused:
                return refused

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(choose, range(2)))
        winners = [answer for answer in answers if answer is True]
        losers = [str(answer) for answer in answers if answer is not True]
        assert len(winners) == 1 and len(losers) == 1, answers
        assert contested in losers[0] and "chosen on" in losers[0], losers[0]
        assert not any(text in losers[0] for text in RAW_DATABASE_ERRORS), losers[0]
        holders = sql("""SELECT count(*) FROM stock_move_line line
                          WHERE line.lot_id = %s AND line.state NOT IN ('done', 'cancel')
                            AND (line.picked OR line.serial_chosen)""", (lot,))
        assert holders == [(1,)]
        assert over_reserved_units() == 0
        for picking_id, _move in (first, second):
            admin.call("stock.picking", "action_cancel", [picking_id])
