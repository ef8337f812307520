"""Background work of the case library. Tasks take ids and are queued on commit by
cases.services (the one owner of "a case changed" and the workflow mails)."""

from smtplib import SMTPException

from celery import shared_task

from cases import articles, facets, mails


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
def author_mail(case_id: int, event: str, site_url: str | None = None) -> bool:
    """E-mail the author of a case about a workflow step (submitted, published,
    returned), linking to `site_url` (the address the change was made on; SITE_URL if
    not given); retried with back-off while the mail server is unreachable."""
    return mails.author_mail_send(case_id=case_id, event=event, site_url=site_url)


@shared_task(
    name="cases.tasks.reviewers_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def reviewers_mail(case_id: int, site_url: str | None = None) -> int:
    """E-mail the coordinators of a submitted case's region that it awaits review."""
    return mails.reviewers_mail_send(case_id=case_id, site_url=site_url)


@shared_task(
    name="cases.tasks.contact_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def contact_mail(case_id: int, sender_id: int, message: str, site_url: str | None = None) -> bool:
    """E-mail a member's message to the contact or author of a published case."""
    return mails.contact_mail_send(
        case_id=case_id, sender_id=sender_id, message=message, site_url=site_url
    )


@shared_task(name="cases.tasks.facets_rebuild")
def facets_rebuild() -> int:
    """Build the facet index anew from the database (celery beat, hourly): a safety net
    should an update after a change ever have been lost (a cache that was away). Returns
    the number of published cases in it."""
    return facets.rebuild().get(facets.PUBLISHED).bit_count()
