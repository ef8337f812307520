"""Forms of reporting: requesting a report (scope and period) and setting up a scheduled
one. Field mapping and validation only; the request itself is a service."""
