"""Logging helpers: a refused request (4xx) is one line in the log, not a traceback."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback of records about 4xx responses (PermissionDenied, Http404, a
    bad request): the request was answered as intended; the line says what and where.
    Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
