"""A receipt of 100,000 serials validated in the background, as a user starts it: over
XML-RPC against a prefork server whose queue_job runner runs the job, timed from the
click on Validate until the transfer is done.

Runs on a copy of the test database made by scripts/bench.sh (BENCH_JOBS_DB): what the
job validates is committed, as in use.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from odoo_server import OdooServer, wait_for

THRESHOLD_PARAM = "stock_serial_tracking.background_validation_threshold"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def run_background(size):
    database, log_dir = os.environ["BENCH_JOBS_DB"], os.environ["BENCH_LOG_DIR"]
    server = OdooServer(
        [sys.executable, os.environ["BENCH_ODOO_BIN"], "-c", os.environ["BENCH_CONFIG"]],
        database, int(os.environ["BENCH_HTTP_PORT"]), int(os.environ["BENCH_GEVENT_PORT"]),
        os.path.join(log_dir, "bench-jobs-server.log"))
    server.start()
    try:
        return _receive_in_the_background(server.xmlrpc("admin"), size)
    finally:
        server.stop()


def _receive_in_the_background(admin, size):
    admin.call("ir.config_parameter", "set_param", THRESHOLD_PARAM, str(size - 1))
    refs = {xmlid: admin.call("ir.model.data", "check_object_reference", *xmlid.split("."))[1]
            for xmlid in ("stock.picking_type_in", "stock.stock_location_suppliers",
                          "stock.stock_location_stock")}
    [template_id] = admin.call("product.template", "create", [{
        "name": f"Bench background {size}", "is_storable": True, "is_serialized": True}])
    product_id = admin.call("product.template", "read", [template_id],
                            fields=["product_variant_id"])[0]["product_variant_id"][0]
    locations = {"location_id": refs["stock.stock_location_suppliers"],
                 "location_dest_id": refs["stock.stock_location_stock"]}
    [picking_id] = admin.call("stock.picking", "create", [{
        "picking_type_id": refs["stock.picking_type_in"], **locations,
        "move_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": size,
                             **locations})]}])
    confirm_time, _ = timed(admin.call, "stock.picking", "action_confirm", [picking_id])
    [move_id] = admin.call("stock.picking", "read", [picking_id], fields=["move_ids"])[0][
        "move_ids"]
    prefix = f"JOB{os.getpid()}-"
    entry_time, entered = timed(admin.call, "stock.move", "set_serials_from_text", [move_id],
                                text=f"{prefix}{1:06d}-{prefix}{size:06d}")
    assert entered == size, entered
    click = time.perf_counter()
    answer = admin.call("stock.picking", "button_validate", [picking_id])
    queue_time = time.perf_counter() - click
    assert answer["tag"] == "display_notification", f"not queued: {answer}"

    def done():
        [picking] = admin.call("stock.picking", "read", [picking_id], fields=[
            "state", "serial_validation_state", "serial_validation_error"])
        assert picking["serial_validation_state"] != "failed", picking["serial_validation_error"]
        return picking["state"] == "done"

    wait_for(done, 1800, "the background validation did not end", interval=1)
    click_to_done = time.perf_counter() - click
    [validation] = admin.call("stock.serial.validation", "search_read",
                              [("picking_id", "=", picking_id)], fields=["job_id"])
    [job] = admin.call("queue.job", "read", [validation["job_id"][0]],
                       fields=["date_started", "date_done", "exec_time", "retry"])
    received = admin.call("stock.lot", "search_count", [("product_id", "=", product_id)])
    assert received == size, received
    print("| serials | confirm (s) | entry (s) | Validate: queued (s) "
          "| job running (s) | click to done (s) | retries |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {size:,} | {confirm_time:.1f} | {entry_time:.1f} | {queue_time:.1f} "
          f"| {job['exec_time']:.1f} | {click_to_done:.1f} | {job['retry'] - 1} |")
    return click_to_done
