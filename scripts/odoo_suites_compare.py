"""Compare a run of Odoo's suites (odoo_suites.py's JSON report) with the expectations.

Usage: odoo_suites_compare.py RESULTS.json EXPECTATIONS.txt [--baseline]

The expectations file lists one test per line: `<test id>  # <reason>`. A reason
starting with "baseline:" marks a failure that happens without the addon too (the
environment); "flaky:" a test that fails only sometimes (never reported as stale); any
other reason an intended change of the addon or a known bug waiting for its fix.

Exit status 1 when a test failed that is not expected (a regression), or when an expected
failure among the tests that ran passed (stale: remove the line, or the net has a hole).
With --baseline (a database without the addon) only the "baseline:" lines are expected,
and the failures are printed in the file's format to refresh them.
"""

import argparse
import json
import sys
from collections import Counter

BASELINE = "baseline:"
FLAKY = "flaky:"
CLASS_LEVEL = (".setUpClass", ".tearDownClass")


def read_expectations(path):
    expected = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test, _sep, reason = line.partition("#")
            test, reason = test.strip(), reason.strip()
            if not test or not reason or " " in test:
                sys.exit(f"{path}:{number}: expected `<test id>  # <reason>`, got: {line}")
            expected[test] = reason
    return expected


def was_run(test, ran, ran_classes):
    """A class-level id (Class.setUpClass) counts as run when a test of its class ran."""
    if test.endswith(CLASS_LEVEL):
        return test.rsplit(".", 1)[0] in ran_classes
    return test in ran


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("expectations")
    parser.add_argument("--baseline", action="store_true", help="the run had no addon installed")
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as report_file:
        report = json.load(report_file)
    expected = read_expectations(args.expectations)
    problems = report["problems"]
    ran = set(report["ran"])
    ran_classes = {test.rsplit(".", 1)[0] for test in ran}

    if args.baseline:
        wanted = {test: why for test, why in expected.items() if why.startswith(BASELINE)}
    else:
        wanted = expected
    unexpected = sorted(set(problems) - set(wanted))
    stale = sorted(
        test
        for test, why in wanted.items()
        if test not in problems and not why.startswith(FLAKY) and was_run(test, ran, ran_classes)
    )
    failed_expected = len(set(problems) & set(wanted))

    print(
        f"{len(ran)} tests ran ({', '.join(report['modules'])}): {len(problems)} failed, "
        f"{failed_expected} of them expected"
    )
    skipped = report.get("skipped", {})
    if skipped:
        print(f"{len(skipped)} skipped:")
        for reason, count in Counter(skipped.values()).most_common():
            print(f"    {count} x {reason}")
    if args.baseline and problems:
        print("\nFailures without the addon, in the expectations file's format:")
        for test in sorted(problems):
            reason = expected.get(test, "baseline: fails without the addon too (<cause>)")
            print(f"{test}  # {reason}")
    for test in unexpected:
        note = " (listed as caused by the addon)" if args.baseline and test in expected else ""
        print(f"\nUNEXPECTED {test}{note}")
        for problem in problems[test]:
            print(f"    {problem}")
    for test in stale:
        print(f"\nSTALE {test}: passed, but expected to fail ({wanted[test]})")
    if unexpected or stale:
        print(
            f"\n{len(unexpected)} unexpected failure(s), {len(stale)} stale expectation(s): "
            f"see {args.expectations}"
        )
        return 1
    print("No unexpected failure, no stale expectation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
