"""A real Odoo server with several workers and queue_job's runner, and the clients that
drive it from outside (XML-RPC, JSON-2): for the outside-in tests and the benchmarks."""

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
import xmlrpc.client

CALL_TIMEOUT = 900  # seconds a call may take: a 100,000-serial entry on a busy machine


class Refused(Exception):
    """A call the server refused: the message its client reads."""


class XmlRpcClient:
    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, f"{login} could not log in"
        self.url = url

    def call(self, model, method, *args, **kwargs):
        # A proxy per call: ServerProxy is not thread-safe, and clients run in threads.
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        try:
            return proxy.execute_kw(self.db, self.uid, self.password, model, method,
                                    list(args), kwargs)
        except xmlrpc.client.Fault as fault:
            raise Refused(fault.faultString) from None


class Json2Client:
    """Odoo 19's JSON-2 API: parameters by name, `ids` for the records."""

    def __init__(self, url, db, key):
        self.url = url
        self.headers = {"Authorization": f"bearer {key}", "X-Odoo-Database": db,
                        "Content-Type": "application/json"}

    def call(self, model, method, ids=None, **params):
        body = params if ids is None else {"ids": ids, **params}
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}", data=json.dumps(body).encode(),
            headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            raise Refused(payload.get("message") or str(error)) from None


class OdooServer:
    """The server under test: Odoo's prefork server (workers, a cron worker and, as a
    server-wide module, queue_job's runner in a process of its own)."""

    def __init__(self, command, db, port, gevent_port, log_path, fixture=None):
        """`command`: the Python and odoo-bin to run, and its options (-c CONFIG)."""
        self.db, self.port, self.log_path = db, port, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.command = [
            *command, "-d", db, f"--db-filter=^{db}$", "--workers=2", "--max-cron-threads=1",
            f"--http-port={port}", f"--gevent-port={gevent_port}",
            # A validation of thousands of serials takes longer than Odoo's default limits.
            "--limit-time-real=900", "--limit-time-cpu=600", f"--logfile={log_path}"]
        self.process = None
        self.fixture = fixture or {}

    def start(self):
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5):
                    return
            except OSError:
                assert self.process.poll() is None, f"Odoo exited; see {self.log_path}"
                time.sleep(0.5)
        raise AssertionError(f"Odoo did not answer in 2 minutes; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def xmlrpc(self, login):
        password = "admin" if login == "admin" else login
        client = XmlRpcClient(self.url, self.db, login, password)
        client.refs = self.fixture.get("refs", {})
        return client

    def json2(self, login):
        client = Json2Client(self.url, self.db, self.fixture["keys"][login])
        client.refs = self.fixture.get("refs", {})
        return client

    def log_problems(self):
        """Tracebacks of the server's own code: what no client should cause."""
        with open(self.log_path, errors="replace") as log:
            return [line for line in log if "Traceback" in line]


def wait_for(condition, timeout, message, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} (after {timeout} s)")
