"""Background work of the case library."""

from celery import shared_task

from cases import articles


@shared_task(name="cases.tasks.articles_render")
def articles_render(case_ids: list[int]) -> int:
    """Render and store the articles of these cases in every language; cases deleted in
    the meantime are skipped. Returns how many articles were stored."""
    return len(articles.store(case_ids))
