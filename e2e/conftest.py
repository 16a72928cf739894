"""The outside-in suite: a real Odoo server with several workers and queue_job's runner,
driven only as its clients drive it (XML-RPC, JSON-2), with faults made from outside
(`kill -9` of a worker, PostgreSQL restarted). scripts/test_e2e.sh prepares the database
and sets the E2E_* variables; each test module gets the one server of the session."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import xmlrpc.client
from contextlib import contextmanager

import psycopg2
import pytest

CALL_TIMEOUT = 120  # seconds a call may take: validations on a busy 2-core machine


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

    def __init__(self):
        self.db = os.environ["E2E_DB"]
        self.port = int(os.environ["E2E_HTTP_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.environ["E2E_LOG"]
        self.command = [
            os.environ["E2E_PYTHON"], os.environ["E2E_ODOO_BIN"], "-c", os.environ["E2E_CONF"],
            "-d", self.db, f"--db-filter=^{self.db}$", "--workers=2", "--max-cron-threads=1",
            f"--http-port={self.port}", f"--gevent-port={int(os.environ['E2E_GEVENT_PORT'])}",
            # A validation of thousands of serials takes longer than Odoo's default limits.
            "--limit-time-real=900", "--limit-time-cpu=600", f"--logfile={self.log_path}"]
        self.process = None
        with open(os.environ["E2E_FIXTURE"]) as fixture:
            self.fixture = json.load(fixture)

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
        client.refs = self.fixture["refs"]
        return client

    def json2(self, login):
        client = Json2Client(self.url, self.db, self.fixture["keys"][login])
        client.refs = self.fixture["refs"]
        return client

    def log_problems(self):
        """Tracebacks of the server's own code: what no client should cause."""
        with open(self.log_path, errors="replace") as log:
            return [line for line in log if "Traceback" in line]


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
            cr.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", (row_id,))  # noqa: S608
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


def wait_for(condition, timeout, message, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} (after {timeout} s)")


@pytest.fixture(scope="session")
def server():
    odoo = OdooServer()
    odoo.start()
    yield odoo
    odoo.stop()
