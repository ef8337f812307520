"""Aggregates written once for every database the portal runs on."""

from django.db import connection
from django.db.models import StringAgg, Value


def names_joined(field: str) -> StringAgg:
    """The values of `field` joined by ", ", in alphabetical order where the database
    orders inside an aggregate (PostgreSQL; SQLite from 3.44). An older SQLite (the
    zero-services `make run`) joins them in the order it reads them, rather than fail."""
    ordered = connection.features.supports_aggregate_order_by_clause
    return StringAgg(field, Value(", "), order_by=field if ordered else None)
