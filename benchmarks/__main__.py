"""`python -m benchmarks cases|trajectories|community --sizes 1000,10000,100000 --rounds 15`

Runs one suite on a scratch database `<name>_bench` next to DATABASES['default'] (use
scripts/with-services.sh for a throwaway PostgreSQL and Redis). A measurement, not a
test: it exits 0 whether or not the targets hold; only a run that cannot start fails.
"""

import argparse
import importlib
import os
import signal
import sys
from typing import TextIO

# name: "module:class" of the suite, imported once Django is set up.
SUITES = {
    "cases": "benchmarks.cases:CaseLibrary",
    "community": "benchmarks.community:Community",
    "reports": "benchmarks.reports:Reports",
    "trajectories": "benchmarks.trajectories:Trajectories",
}


def _sizes(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark pages of the portal on synthetic data (PostgreSQL).",
    )
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[1000, 10000, 100000],
        help="Comma-separated sizes, ascending; each adds to the previous "
        "(default 1000,10000,100000).",
    )
    parser.add_argument("--rounds", type=int, default=15, help="Measured rounds per size.")
    parser.add_argument("--seed", type=int, default=2026, help="Random seed (data, order).")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Print EXPLAIN ANALYZE of the slowest query of every scenario with a target, "
        "not only of those that miss one.",
    )
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from benchmarks import harness

    module_name, class_name = SUITES[args.suite].split(":")
    suite = getattr(importlib.import_module(module_name), class_name)()
    try:
        harness.run(
            suite,
            sizes=args.sizes,
            rounds=args.rounds,
            seed=args.seed,
            batch_size=args.batch_size,
            explain=args.explain,
            out=out or sys.stdout,
        )
    except harness.BenchmarkError as error:
        print(f"python -m benchmarks: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m benchmarks: interrupted; no scratch database left behind", file=sys.stderr)
        return 130
    return 0


def _terminate(signum, frame):
    # As Ctrl-C does, so that the scratch database is dropped on the way out.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
