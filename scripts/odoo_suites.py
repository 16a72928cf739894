"""Run Odoo's own test suites after every installed module is loaded.

Usage (with the virtualenv's python; see scripts/test_odoo.sh):
    odoo_suites.py --modules stock,mrp --results out.json -- <odoo-bin options>

Why a driver instead of `odoo-bin --test-enable`: Odoo's runner runs a module's
at_install tests while the registry is being loaded, right after that module
(odoo/modules/loading.py, load_module_graph), so `stock`'s at_install tests -- most of
them -- run before stock_serial_tracking's models exist and cannot see what it changes.
Here the registry is loaded completely first, with tests disabled, then the at_install
suites and the post_install suites of the requested modules run against the full
registry, with Odoo's own suite, result class and HTTP server (as
odoo/service/server.py preload_registries does for post_install tests). Test tags from
--test-tags still filter the tests.

The driver writes a JSON report: the ids of the tests that ran and, for each test that
failed, errored or logged an ERROR, its kind and the last line of the exception; the
skipped tests with their reason.
"""

import argparse
import json
import logging
import sys
import time
import traceback

from odoo import api
from odoo.modules import module as odoo_module
from odoo.modules.registry import Registry
from odoo.service import server as odoo_server
from odoo.tests import loader
from odoo.tests.result import OdooTestResult
from odoo.tests.suite import OdooSuite
from odoo.tools import config

_logger = logging.getLogger("odoo_suites")
ADDONS_PREFIX = "odoo.addons."


def test_id(test):
    """Stable id without the odoo.addons. prefix: module.tests.file.Class.method.

    Subtests report as their test; class-level errors (unittest's error holder,
    "setUpClass (odoo.addons.m.tests.f.Class)") as m.tests.f.Class.setUpClass.
    """
    test = getattr(test, "test_case", None) or test
    raw = test.id()
    if " (" in raw and raw.endswith(")"):
        method, owner = raw[:-1].split(" (", 1)
        raw = f"{owner}.{method}"
    return raw.removeprefix(ADDONS_PREFIX)


def last_line(err):
    lines = "".join(traceback.format_exception_only(err[0], err[1])).strip().splitlines()
    return lines[-1][:300] if lines else err[0].__name__


class RecordingResult(OdooTestResult):
    """Odoo's result class that also remembers which tests ran and which failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ran = []
        self.problems = {}
        self.skips = {}

    def record(self, test, kind, message):
        self.problems.setdefault(test_id(test), []).append(f"{kind}: {message}")

    def startTest(self, test):
        super().startTest(test)
        self.ran.append(test_id(test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skips[test_id(test)] = str(reason)[:200]

    def addError(self, test, err):
        super().addError(test, err)
        if not self._soft_fail:
            self.record(test, "ERROR", last_line(err))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        if not self._soft_fail:
            self.record(test, "FAIL", last_line(err))


class ErrorLogRecorder(logging.Handler):
    """ERROR records logged while a test runs count against that test, as on Odoo's CI.

    The result's own "FAIL:/ERROR:" reports are skipped (already recorded), and so are
    records a test silences with mute_logger or captures with assertLogs: those never
    reach the root logger.
    """

    def __init__(self, result):
        super().__init__(logging.ERROR)
        self.result = result

    def emit(self, record):
        test = odoo_module.current_test
        if not test or test is True:
            return
        if record.args and isinstance(record.args, tuple) and record.args[0] in ("FAIL", "ERROR"):
            return
        first_line = (record.getMessage().strip().splitlines() or [""])[0][:200]
        self.result.record(test, "LOGGED ERROR", f"{record.name}: {first_line}")


def run(db_name, modules):
    # Load every installed module with tests off: nothing runs half-loaded.
    config["test_enable"] = False
    registry = Registry.new(db_name)
    config["test_enable"] = True

    suites = [loader.make_suite(modules, position) for position in ("at_install", "post_install")]
    suite = OdooSuite([test for part in suites for test in part])
    _logger.info("%d tests to run in %s after loading every module",
                 suite.countTestCases(), ", ".join(modules))
    if suite.has_http_case():
        with registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["ir.qweb"]._pregenerate_assets_bundles()

    # Loaded with tests off, the registry has no report yet: give it the one Odoo's loader
    # would have made.
    registry._assertion_report = OdooTestResult()
    result = RecordingResult(global_report=registry._assertion_report)
    recorder = ErrorLogRecorder(result)
    logging.getLogger().addHandler(recorder)
    started = time.time()
    odoo_module.current_test = True  # as loader.run_suite does
    try:
        suite(result)
    finally:
        odoo_module.current_test = False
        logging.getLogger().removeHandler(recorder)
    registry._assertion_report.update(result)
    _logger.info("%s in %.0fs", result, time.time() - started)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", required=True, help="comma-separated modules whose suites run")
    parser.add_argument("--results", required=True, help="JSON report to write")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER, help="after --: odoo-bin options")
    args = parser.parse_args()
    odoo_args = ["--test-enable", *(arg for arg in args.odoo_args if arg != "--")]
    config.parse_config(odoo_args, setup_logging=True)
    (db_name,) = config["db_name"]
    modules = [name.strip() for name in args.modules.split(",") if name.strip()]

    # The HTTP server HttpCase tests talk to, as `odoo-bin --test-enable` spawns it;
    # Odoo's runner holds the registry lock while tests run, and so does this one.
    odoo_server.load_server_wide_modules()
    import odoo.http  # after the server-wide modules, as odoo_server.start does

    odoo_server.server = odoo_server.ThreadedServer(odoo.http.root)
    with Registry._lock:
        odoo_server.server.http_spawn()
        try:
            result = run(db_name, modules)
        finally:
            odoo_server.server.httpd.shutdown()
    report = {"database": db_name, "modules": modules,
              "ran": result.ran, "problems": result.problems, "skipped": result.skips}
    with open(args.results, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
