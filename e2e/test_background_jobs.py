"""Background validations through queue_job's runner in a multi-worker server: the job
ends done as its requester, the transfer stays locked on every path meanwhile, a killed
worker's job and a job cut by a PostgreSQL restart are run again and complete."""

import itertools
import os
import signal

import pytest
from conftest import confirmed_transfer, restart_postgres, row_lock, serialized_product, sql
from odoo_server import Refused, wait_for

LOCKED = "being validated in the background"
_receipt_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def stock_a(server):
    return server.xmlrpc("e2e_stock_a")


@pytest.fixture(scope="module")
def product_id(server):
    admin = server.xmlrpc("admin")
    return serialized_product(admin, "E2E Laptop")


def queue_receipt(client, product_id, count, before_validate=None):
    """A receipt of `count` serials entered and validated as a user does: past the
    threshold (100 here), Validate queues the job. `before_validate(prefix)` acts between
    the entry and the click."""
    number = next(_receipt_numbers)
    picking_id, move_id = confirmed_transfer(client, "receipt", product_id, count)
    prefix = f"BG{os.getpid()}-{number}-"
    client.call("stock.move", "set_serials_from_text", [move_id],
                text=f"{prefix}1-{prefix}{count}")
    if before_validate:
        before_validate(prefix)
    answer = client.call("stock.picking", "button_validate", [picking_id])
    assert answer["tag"] == "display_notification", answer
    return picking_id, move_id, prefix


def job_of(picking_id):
    rows = sql("""SELECT job.id, job.state, job.worker_pid, job.retry, job.user_id,
                         job.exc_info
                    FROM stock_serial_validation validation
                    JOIN queue_job job ON job.id = validation.job_id
                   WHERE validation.picking_id = %s ORDER BY validation.id DESC LIMIT 1""",
               (picking_id,))
    return dict(zip(("id", "state", "worker_pid", "retry", "user_id", "exc_info"), rows[0],
                    strict=True)) if rows else None


def wait_until_done(client, picking_id, timeout=240):
    def done():
        job = job_of(picking_id)
        assert job["state"] != "failed", f"the job failed: {job['exc_info']}"
        return job["state"] == "done" and job
    job = wait_for(done, timeout, f"the job of transfer {picking_id} did not end")
    [picking] = client.call("stock.picking", "read", [picking_id], fields=[
        "state", "serial_validation_state", "serial_validation_progress",
        "serial_validation_locked"])
    assert (picking["state"], picking["serial_validation_state"],
            picking["serial_validation_progress"], picking["serial_validation_locked"]) == (
        "done", "done", 100, False)
    return job


def test_the_job_ends_done_as_its_requester(server, stock_a, product_id):
    picking_id, _move, prefix = queue_receipt(stock_a, product_id, 150)
    job = wait_until_done(stock_a, picking_id)
    assert job["user_id"] == server.fixture["uids"]["e2e_stock_a"]
    lots = sql("SELECT count(*), min(create_uid), max(create_uid) FROM stock_lot "
               "WHERE name LIKE %s", (prefix + "%",))
    assert lots == [(150, job["user_id"], job["user_id"])], "every unit, made by the requester"
    messages = stock_a.call("mail.message", "search_read", [
        ("model", "=", "stock.picking"), ("res_id", "=", picking_id)], fields=["body"])
    assert any("150 serials validated in the background" in m["body"] for m in messages)


def test_the_lock_holds_on_every_path_while_the_job_runs(server, stock_a, product_id):
    picking_id, move_id, prefix = queue_receipt(stock_a, product_id, 120)
    # The job waits on the transfer's row while the test tries every path.
    with row_lock("stock_picking", picking_id):
        wait_for(lambda: job_of(picking_id)["state"] == "started", 60, "the job did not start")
        [line_id, *_] = stock_a.call("stock.move.line", "search",
                                     [("move_id", "=", move_id)], limit=1)
        attempts = {
            "write the transfer": ("stock.picking", "write", [picking_id], {"origin": "x"}),
            "lift it by context": ("stock.picking", "write", [picking_id], {"origin": "x"}),
            "clear the flag": ("stock.picking", "write", [picking_id],
                               {"serial_validation_locked": False}),
            "cancel": ("stock.picking", "action_cancel", [picking_id]),
            "delete": ("stock.picking", "unlink", [picking_id]),
            "enter serials": ("stock.move", "set_serials_from_text", [move_id], "ONE"),
            "edit a move": ("stock.move", "write", [move_id], {"product_uom_qty": 1}),
            "delete a move": ("stock.move", "unlink", [move_id]),
            "edit a line": ("stock.move.line", "write", [line_id], {"lot_name": "X"}),
            "delete a line": ("stock.move.line", "unlink", [line_id]),
        }
        for what, (model, method, *args) in attempts.items():
            kwargs = {"context": {"serial_validation_job_id": job_of(picking_id)["id"]}} \
                if what == "lift it by context" else {}
            with pytest.raises(Refused, match=LOCKED):
                stock_a.call(model, method, *args, **kwargs)
        answer = stock_a.call("stock.picking", "serial_scan", [picking_id], "SCANNED-1")
        assert not answer["ok"] and LOCKED in answer["message"], answer
        assert sql("SELECT count(*) FROM stock_move_line WHERE move_id = %s",
                   (move_id,)) == [(120,)]
    wait_until_done(stock_a, picking_id)
    assert sql("SELECT count(*) FROM stock_lot WHERE name LIKE %s", (prefix + "%",)) == [(120,)]


def test_a_killed_workers_job_is_run_again_and_completes(server, stock_a, product_id):
    picking_id, _move, prefix = queue_receipt(stock_a, product_id, 130)
    with row_lock("stock_picking", picking_id):
        job = wait_for(lambda: (j := job_of(picking_id))["state"] == "started" and j, 60,
                       "the job did not start")
        os.kill(job["worker_pid"], signal.SIGKILL)
    # queue_job's runner finds the job's lock free, requeues it; another worker runs it.
    job = wait_until_done(stock_a, picking_id)
    assert job["retry"] >= 2, "run a second time"
    assert sql("SELECT count(*) FROM stock_lot WHERE name LIKE %s", (prefix + "%",)) == [(130,)]
    assert sql("""SELECT count(*) FROM stock_quant quant JOIN stock_lot lot
                   ON lot.id = quant.lot_id WHERE lot.name LIKE %s AND quant.quantity = 1""",
               (prefix + "%",)) == [(130,)], "each unit received once"


def test_a_job_cut_by_a_postgresql_restart_is_run_again_and_completes(
        server, stock_a, product_id):
    picking_id, _move, prefix = queue_receipt(stock_a, product_id, 110)
    with row_lock("stock_picking", picking_id):
        wait_for(lambda: job_of(picking_id)["state"] == "started", 60, "the job did not start")
        restart_postgres()  # takes the row lock with it
    job = wait_until_done(stock_a, picking_id, timeout=300)
    assert job["retry"] >= 2
    assert sql("SELECT count(*) FROM stock_lot WHERE name LIKE %s", (prefix + "%",)) == [(110,)]
    # The server serves again.
    assert stock_a.call("stock.picking", "search_count", [("id", "=", picking_id)]) == 1


def test_jobs_follow_company_rules_and_nobody_writes_them(server, stock_a, product_id):
    picking_id, _move, _prefix = queue_receipt(stock_a, product_id, 101)
    wait_until_done(stock_a, picking_id)
    [validation_id] = stock_a.call("stock.serial.validation", "search",
                                   [("picking_id", "=", picking_id)])
    stock_b = server.xmlrpc("e2e_stock_b")
    assert validation_id not in stock_b.call("stock.serial.validation", "search", [])
    with pytest.raises(Refused, match="doesn't have 'read' access"):
        stock_b.call("stock.serial.validation", "read", [validation_id], fields=["error"])
    admin_uid = server.fixture["admin_uid"]
    json2 = server.json2("e2e_stock_a")
    refusals = {
        "create a validation as admin": lambda: stock_a.call(
            "stock.serial.validation", "create", [{"picking_id": picking_id,
                                                   "user_id": admin_uid}]),
        "rewrite a validation": lambda: stock_a.call(
            "stock.serial.validation", "write", [validation_id], {"progress": 5}),
        "create a job": lambda: json2.call("queue.job", "create", vals_list=[{
            "uuid": "x", "user_id": admin_uid, "model_name": "stock.serial.validation",
            "method_name": "_validate"}]),
        "requeue a job": lambda: stock_a.call(
            "queue.job", "write", [job_of(picking_id)["id"]], {"state": "pending"}),
        "run the job method": lambda: stock_a.call(
            "stock.serial.validation", "_validate", [validation_id]),
    }
    for what, attempt in refusals.items():
        with pytest.raises(Refused):
            attempt()
        assert job_of(picking_id)["state"] == "done", what


def test_a_refused_validation_fails_with_its_reason_and_unlocks(server, stock_a, product_id):
    admin = server.xmlrpc("admin")

    def count_one_in_stock(prefix):
        """Meanwhile one of its serials is counted in stock: the job must refuse it."""
        [lot_id] = admin.call("stock.lot", "create", [{"name": f"{prefix}7",
                                                       "product_id": product_id}])
        [quant_id] = admin.call("stock.quant", "create", [{
            "product_id": product_id, "lot_id": lot_id, "inventory_quantity": 1,
            "location_id": admin.refs["stock.stock_location_stock"]}])
        # It returns nothing, which XML-RPC cannot say: over JSON-2.
        server.json2("admin").call("stock.quant", "action_apply_inventory", [quant_id])

    picking_id, move_id, prefix = queue_receipt(stock_a, product_id, 105, count_one_in_stock)
    job = wait_for(lambda: (j := job_of(picking_id))["state"] == "failed" and j, 120,
                   "the job did not fail")
    assert job["retry"] == 1, "a refusal is not retried"
    [picking] = stock_a.call("stock.picking", "read", [picking_id], fields=[
        "state", "serial_validation_state", "serial_validation_error",
        "serial_validation_locked"])
    assert (picking["state"], picking["serial_validation_state"],
            picking["serial_validation_locked"]) == ("assigned", "failed", False)
    assert f"{prefix}7" in picking["serial_validation_error"]
    messages = stock_a.call("mail.message", "search_read", [
        ("model", "=", "stock.picking"), ("res_id", "=", picking_id)], fields=["body"])
    assert any("nothing was changed" in m["body"] and f"{prefix}7" in m["body"]
               for m in messages)
    assert sql("SELECT count(*) FROM stock_lot WHERE name LIKE %s", (prefix + "%",)) == [(1,)]
    # Unlocked: the user corrects the entry and validates again.
    stock_a.call("stock.move", "set_serials_from_text", [move_id],
                 text=f"{prefix}1-{prefix}6\n{prefix}8-{prefix}106")
    stock_a.call("stock.picking", "button_validate", [picking_id])
    wait_until_done(stock_a, picking_id)
