"""Benchmarks of the portal's pages on synthetic data: `python -m benchmarks cases`.

Not a Django app and not part of the production image. `harness` runs a suite (scratch
database, interleaved rounds, ratios against a floor page, verdict of the targets);
`cases` is the case library's suite; `data` holds the generators per app.
"""
