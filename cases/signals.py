"""Keep stored case articles (cases.articles) true when something they show changes
outside the case itself: a name of an organisation, region, product category,
R-strategy, source, keyword or contact person."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from cases import articles
from cases.models import Case, Tag
from community.models import Organisation, ProductCategory, Region, Source
from procurement.models import RStrategy

# Which cases show an object of each model.
SHOWN_IN = {
    Organisation: "organisations",
    Region: "region",
    ProductCategory: "product_category",
    RStrategy: "strategies__r_level",
    Source: "source",
    Tag: "tags",
}


def _forget_cases_showing(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: the articles are rendered on first read
        return
    articles.forget(Case.objects.filter(**{SHOWN_IN[sender]: instance}))


for model in SHOWN_IN:
    post_save.connect(_forget_cases_showing, sender=model, dispatch_uid=f"articles-{model}")
    # Before the delete: afterwards the links to the cases are gone.
    pre_delete.connect(_forget_cases_showing, sender=model, dispatch_uid=f"articles-d-{model}")


@receiver(post_save, sender=get_user_model(), dispatch_uid="articles-contact")
@receiver(pre_delete, sender=get_user_model(), dispatch_uid="articles-d-contact")
def _forget_cases_of_contact(sender, instance, update_fields=None, raw=False, **kwargs):
    """A contact person's name is shown; logging in (last_login) changes nothing shown."""
    if raw or (update_fields is not None and "full_name" not in update_fields):
        return
    articles.forget(Case.objects.filter(contact=instance))
