"""The outside-in suite: a real Odoo server with several workers and queue_job's runner,
driven only as its clients drive it (XML-RPC, JSON-2), with faults made from outside
(`kill -9` of a worker, PostgreSQL restarted). scripts/test_e2e.sh prepares the database
and sets the E2E_* variables; each test module gets the one server of the session."""

import json
import os
import subprocess
from contextlib import contextmanager

import psycopg2
import pytest
from odoo_server import OdooServer


def db_connect():
    return psycopg2.connect(dbname=os.environ["E2E_DB"])


def sql(query, params=()):
    """One query on its own committed connection, as a monitoring client reads."""
    with db_connect() as connection, connection.cursor() as cr:
        cr.execute(query, params)
        rows = cr.fetchall() if cr.description else []
    connection.close()
    return rows


@contextmanager
def row_lock(table, row_id):
    """Hold a lock on one row from outside Odoo, so that whoever writes it waits: a job
    that must stay running while the test acts (released at the end of the block)."""
    connection = db_connect()
    try:
        with connection.cursor() as cr:
            cr.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", (row_id,))
            yield
    finally:
        try:
            connection.rollback()
            connection.close()
        except psycopg2.Error:
            pass  # PostgreSQL restarted meanwhile: the lock went with it


def restart_postgres():
    """Restart the cluster, as an administrator or a failover would: every connection
    of the server and its runner is cut."""
    subprocess.run(["bash", "-c", os.environ["E2E_PG_RESTART"]], check=True, timeout=120)


def serialized_product(client, name, **values):
    """A new serialized, storable product; its variant's id."""
    [template_id] = client.call("product.template", "create", [{
        "name": name, "is_storable": True, "is_serialized": True, **values}])
    return client.call("product.template", "read", [template_id],
                       fields=["product_variant_id"])[0]["product_variant_id"][0]


# Transfer kinds: (picking type, source, destination), as references.
TRANSFERS = {
    "receipt": ("stock.picking_type_in", "stock.stock_location_suppliers",
                "stock.stock_location_stock"),
    "delivery": ("stock.picking_type_out", "stock.stock_location_stock",
                 "stock.stock_location_customers"),
}


def confirmed_transfer(client, kind, product_id, quantity):
    """A confirmed receipt or delivery of `quantity` units (a delivery Odoo reserves at
    confirmation); returns (picking id, move id)."""
    picking_type, source, destination = (client.refs[ref] for ref in TRANSFERS[kind])
    locations = {"location_id": source, "location_dest_id": destination}
    [picking_id] = client.call("stock.picking", "create", [{
        "picking_type_id": picking_type, **locations,
        "move_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": quantity,
                             **locations})]}])
    client.call("stock.picking", "action_confirm", [picking_id])
    [picking] = client.call("stock.picking", "read", [picking_id], fields=["move_ids"])
    return picking_id, picking["move_ids"][0]


@pytest.fixture(scope="session")
def server():
    with open(os.environ["E2E_FIXTURE"]) as fixture:
        data = json.load(fixture)
    odoo = OdooServer(
        [os.environ["E2E_PYTHON"], os.environ["E2E_ODOO_BIN"], "-c", os.environ["E2E_CONF"]],
        os.environ["E2E_DB"], int(os.environ["E2E_HTTP_PORT"]),
        int(os.environ["E2E_GEVENT_PORT"]), os.environ["E2E_LOG"], data)
    odoo.start()
    yield odoo
    odoo.stop()
