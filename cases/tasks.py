"""Background work of the case library."""

from smtplib import SMTPException

from celery import shared_task

from cases import articles, filters, services


@shared_task(name="cases.tasks.articles_render")
def articles_render(case_ids: list[int]) -> int:
    """Render and store the articles of these cases in every language; cases deleted in
    the meantime are skipped. Returns how many articles were stored."""
    return len(articles.store(case_ids))


@shared_task(
    name="cases.tasks.author_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def author_mail(case_id: int, event: str) -> bool:
    """E-mail the author of a case about a workflow step (submitted, published,
    returned); retried with back-off while the mail server is unreachable."""
    return services.author_mail_send(case_id=case_id, event=event)


@shared_task(name="cases.tasks.facets_refresh")
def facets_refresh(audience: str, state: dict) -> int:
    """Count the facets of one audience and filter state again after a change; returns
    the number of results (capped)."""
    return filters.facets_refresh(audience, state)["_total"]
