"""Shared building blocks below every app: checking uploads, rendering user Markdown.

Every app may import from `kit`; `kit` imports no app (only Django and libraries), so
it can never be part of an import cycle. A module here is named for what it does; a
template tag that exposes one stays in `portal.templatetags` and calls the logic here.
"""
