"""Drive headless Chromium over the DevTools protocol through the demo flows; save PNGs.

Usage: screenshots.py BASE_URL DATABASE OUTPUT_DIR (a server must be running there).
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

import requests
import websocket

WIDTH, HEIGHT = 1366, 820


class Browser:
    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="serial-screens-")
        self.process = subprocess.Popen([
            shutil.which("chromium") or shutil.which("google-chrome"), "--headless",
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={self.profile}", f"--remote-debugging-port={port}",
            f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        return result.get("result", {}).get("value")

    def wait(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!document.querySelector({json.dumps(selector)})"):
                time.sleep(0.6)  # let the page settle (animations, onchange)
                return
            time.sleep(0.2)
        raise TimeoutError(f"{selector} did not appear")

    def click(self, selector):
        self.wait(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector, text):
        """Type into a field and leave it, so the web client saves it."""
        self.wait(selector)
        self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.focus(); el.value = {json.dumps(text)};
            el.dispatchEvent(new Event('input', {{bubbles: true}}));
            el.dispatchEvent(new Event('change', {{bubbles: true}}));
        }})()""")

    def goto(self, url, ready):
        self.send("Page.navigate", url=url)
        self.wait(ready)

    def shot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        print(f"saved {path}")

    def close(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main(base, db, out):
    out = Path(out)
    rpc = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
    common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
    for _attempt in range(150):
        try:
            uid = common.authenticate(db, "admin", "admin", {})
            break
        except (ConnectionError, OSError):
            time.sleep(0.2)

    def call(model, method, *args, **kwargs):
        return rpc.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    def ref(xmlid):
        module, name = xmlid.split(".")
        return call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                    ["res_id"])[0]["res_id"]

    session = requests.post(f"{base}/web/session/authenticate", json={"params": {
        "db": db, "login": "admin", "password": "admin"}}, timeout=30).cookies["session_id"]
    browser = Browser()
    browser.send("Network.enable")
    browser.send("Network.setCookie", name="session_id", value=session, domain="127.0.0.1",
                 path="/")
    try:
        laptop = ref("stock_serial_tracking.product_laptop")
        template = call("product.product", "read", [laptop], ["product_tmpl_id"])[0]
        browser.goto(f"{base}/odoo/action-stock.product_template_action_product/"
                     f"{template['product_tmpl_id'][0]}", ".o_form_view")
        browser.shot(out / "screenshot_product_flag.png")
        browser.click("a[name=inventory]")
        browser.shot(out / "screenshot_product.png")

        receipt = ref("stock_serial_tracking.receipt_waiting_serials")
        browser.goto(f"{base}/odoo/action-stock.action_picking_tree_incoming/{receipt}",
                     "button[name=action_open_serial_entry]")
        browser.shot(out / "screenshot_receipt.png")
        browser.click(".o_statusbar_buttons button[name=action_open_serial_entry]")
        # A span written short, a look-alike and a duplicate: Apply waits for the fix.
        browser.type(".modal .o_field_widget[name=serials_text] textarea",
                     "LP-00001-00003\nLP-0000l; LP-00001")
        browser.wait(".modal .o_serial_entry_preview .alert-warning")
        browser.wait(".modal .o_serial_apply_blocked")
        browser.shot(out / "screenshot_serial_entry.png")

        # Stock to ship: receive the demo receipt's oscilloscopes and laptops.
        moves = call("stock.move", "search_read", [("picking_id", "=", receipt)],
                     ["product_id", "has_tracking", "product_uom_qty"])
        for move in moves:
            if move["has_tracking"] != "serial":
                # Picked like the serialized ones, so that all of it is received.
                call("stock.move", "write", [move["id"]],
                     {"quantity": move["product_uom_qty"], "picked": True})
                continue
            if move["product_id"][0] == laptop:
                call("stock.move", "fill_serials_from_next_serial", [move["id"]])
            else:
                call("stock.move", "set_serials_from_text", [move["id"]], "OS-1-OS-3")
        call("stock.picking", "button_validate", [receipt])
        customer = call("res.partner", "create", {"name": "Lab Instruments Ltd"})
        stock, customers = ref("stock.stock_location_stock"), ref("stock.stock_location_customers")
        delivery = call("stock.picking", "create", {
            "picking_type_id": ref("stock.picking_type_out"), "partner_id": customer,
            "location_id": stock, "location_dest_id": customers,
            "move_ids": [(0, 0, {"product_id": laptop, "product_uom_qty": 2,
                                 "location_id": stock, "location_dest_id": customers})]})
        call("stock.picking", "action_confirm", [delivery])
        browser.goto(f"{base}/odoo/action-stock.action_picking_tree_outgoing/{delivery}",
                     ".o_field_widget[name=move_ids] button[name=action_open_serial_entry]")
        browser.click(".o_field_widget[name=move_ids] button[name=action_open_serial_entry]")
        browser.type(".modal .o_field_widget[name=serials_text] textarea", "LP-00004, OS-1, NOPE")
        browser.wait(".modal .alert-danger")
        browser.shot(out / "screenshot_selector.png")
        browser.click(".modal button[name=action_apply]")
        browser.wait(".o_field_widget[name=move_ids] td[name=serial_progress]")
        call("stock.picking", "button_validate", [delivery])

        browser.goto(f"{base}/odoo/action-stock.action_picking_tree_outgoing/{delivery}",
                     ".o_statusbar_buttons")
        browser.js("[...document.querySelectorAll('.o_statusbar_buttons button')]"
                   ".find(b => b.textContent.trim() === 'Return').click()")
        browser.type(".modal .o_field_widget[name=serials_text] textarea", "LP-00004")
        browser.wait(".modal .o_field_widget[name=lot_ids] .o_tag")
        browser.shot(out / "screenshot_return.png")

        browser.goto(f"{base}/odoo/action-stock.action_production_lot_form", ".o_list_view")
        browser.js("document.querySelector('.o_searchview .o_facet_remove')?.click()")
        browser.wait(".o_list_view .o_data_row")
        browser.shot(out / "screenshot_serial_list.png")

        lot = call("stock.lot", "search_read", [("name", "=", "LP-00001")], ["id"])[0]["id"]
        history = call("stock.lot", "action_serial_history", [lot])
        browser.goto(f"{base}/odoo/action-stock.action_production_lot_form/{lot}",
                     "button[name=action_serial_history]")
        browser.shot(out / "screenshot_serial_form.png")
        browser.click("button[name=action_serial_history]")
        browser.wait(".o_list_view .o_data_row")
        browser.shot(out / "screenshot_history.png")
        assert history["domain"]

        lots = call("stock.lot", "search", [("name", "like", "LP-0000")], order="name")
        browser.goto(f"{base}/report/html/stock_serial_tracking.report_serial_label_sheet/"
                     f"{','.join(map(str, lots))}", ".o_serial_label")
        browser.shot(out / "screenshot_labels.png")

        phone_screenshots(browser, base, call, ref, out)
    finally:
        browser.close()


def phone_screenshots(browser, base, call, ref, out):
    """The scanner screen and a transfer's cards on a 390 × 844 phone, scanned as a
    keyboard-wedge scanner types (key presses ending with Enter)."""
    browser.send("Emulation.setDeviceMetricsOverride", width=390, height=844,
                 deviceScaleFactor=1, mobile=True)
    laptop = ref("stock_serial_tracking.product_laptop")
    supplier, stock = ref("stock.stock_location_suppliers"), ref("stock.stock_location_stock")
    receipt = call("stock.picking", "create", {
        "picking_type_id": ref("stock.picking_type_in"),
        "location_id": supplier, "location_dest_id": stock,
        "move_ids": [(0, 0, {"product_id": laptop, "product_uom_qty": 4,
                             "location_id": supplier, "location_dest_id": stock})]})
    call("stock.picking", "action_confirm", [receipt])
    name = call("stock.picking", "read", [receipt], ["name"])[0]["name"]

    def scan(barcode, answer):
        """Scan, then wait for the banner to answer with the text `answer`."""
        browser.js(f"""[...{json.dumps(barcode)}, "Enter"].forEach((key) =>
            document.body.dispatchEvent(new KeyboardEvent("keydown", {{key, bubbles: true}})))""")
        for _attempt in range(100):
            if answer in (browser.js("document.querySelector('.o_serial_scan_feedback')"
                                     "?.textContent") or ""):
                time.sleep(0.4)
                return
            time.sleep(0.1)
        raise TimeoutError(f"no answer {answer!r} to the scan {barcode}")

    browser.goto(f"{base}/odoo/scan-serials", ".o_serial_scan .o_serial_scan_transfer")
    browser.shot(out / "screenshot_scan_transfers.png")
    scan(name, name)
    gtin = call("product.product", "read", [laptop], ["barcode"])[0]["barcode"]
    scan(gtin, "scan its serials")
    scan(f"01{gtin}21LP-00101", "LP-14 1/4")  # GS1 as a wedge scanner sends it
    scan("LP-00102", "LP-14 2/4")
    browser.shot(out / "screenshot_scan_receipt.png")
    scan("LP-00102", "LP-00102 refused")
    browser.shot(out / "screenshot_scan_refused.png")
    scan("O-BTN.validate", "Units still without a serial")
    browser.shot(out / "screenshot_scan_backorder.png")
    browser.goto(f"{base}/odoo/action-stock.action_picking_tree_incoming/{receipt}",
                 ".o_kanban_record .o_serial_card")
    browser.shot(out / "screenshot_phone_cards.png")


if __name__ == "__main__":
    main(*sys.argv[1:4])
