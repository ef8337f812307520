"""Writes of reporting: requesting a report, claiming and finishing a run. Keyword-only,
typed, `@transaction.atomic`, with `actor=`; the background work is enqueued on commit
and a task only takes an id and calls a service here."""
