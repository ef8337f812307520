"""Realistic data generators for the benchmarks, one module per app."""
