"""factory_boy factories of the case library.

`CaseFactory()` is a draft; `CaseFactory(published=True)` a published community case,
`CaseFactory(public=True)` a published public one, `CaseFactory(submitted=True)` one
awaiting review. Parts are given as plain values:

    CaseFactory(public=True, strategies=[0, (3, "Kasten hergebruikt")],
                obstacles=["juridisch"], lessons=["Begin klein"])

R-levels need the R-ladder rows (the `r_ladder` fixture in conftest.py).
"""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from cases import services
from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, KnowledgeItem, Tag
from community.models import ProductCategory, Source
from procurement.models import PBL_TO_RVO, R_LEVEL_NAMES, RStrategy


def create_r_ladder() -> list[RStrategy]:
    """R0–R9 as the seed creates them."""
    return RStrategy.objects.bulk_create(
        RStrategy(
            level=level, name_nl=nl, name_en=en, meaning=str(meaning), rvo_step=PBL_TO_RVO[level]
        )
        for level, (nl, en, meaning) in R_LEVEL_NAMES.items()
    )


def _published_at(n):
    # Newest first in creation order, a minute apart, so list order is predictable.
    return timezone.now() - timedelta(minutes=n)


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categorie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"bron-{n}")
    title = factory.Sequence(lambda n: f"Onderzoeksrapport {n}")
    publisher = "Kenniscentrum"
    year = 2023


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"trefwoord {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Praktijkvoorbeeld {n}")
    slug = factory.Sequence(lambda n: f"praktijkvoorbeeld-{n}")
    summary = "Hoe een gemeente minder inkocht."
    status = Case.Status.CONCEPT
    visibility = Case.Visibility.COMMUNITY

    class Params:
        published = factory.Trait(
            status=Case.Status.GEPUBLICEERD,
            published_at=factory.Sequence(_published_at),
        )
        public = factory.Trait(published=True, visibility=Case.Visibility.OPENBAAR)
        submitted = factory.Trait(status=Case.Status.INGEDIEND)

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organisations.set(extracted)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(TagFactory(name=name) for name in extracted)

    @factory.post_generation
    def strategies(obj, create, extracted, **kwargs):
        """A list of R-levels, or of (level, explanation) pairs."""
        if not (create and extracted):
            return
        for item in extracted:
            level, explanation = item if isinstance(item, tuple) else (item, f"Toegepast: R{item}")
            CaseStrategy.objects.create(case=obj, r_level_id=level, explanation=explanation)

    @factory.post_generation
    def obstacles(obj, create, extracted, **kwargs):
        """A list of dimensions, or of (dimension, obstacle, solution) triples."""
        if not (create and extracted):
            return
        for position, item in enumerate(extracted, start=1):
            dimension, obstacle, solution = (
                item if isinstance(item, tuple) else (item, f"Obstakel {position}", "Opgelost")
            )
            CaseObstacle.objects.create(
                case=obj,
                position=position,
                dimension=dimension,
                obstacle=obstacle,
                solution=solution,
            )

    @factory.post_generation
    def lessons(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        for position, text in enumerate(extracted, start=1):
            CaseLesson.objects.create(case=obj, position=position, text=text)

    @factory.post_generation
    def search_index(obj, create, extracted, **kwargs):
        """Last, once every part exists: what the services do after each write."""
        if create:
            services.case_search_index(case=obj)


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem
        skip_postgeneration_save = True

    kind = KnowledgeItem.Kind.SUCCESFACTOR
    title = factory.Sequence(lambda n: f"Kennisitem {n}")
    slug = factory.Sequence(lambda n: f"kennisitem-{n}")
    text = "Betrek de gebruikers vroeg."
    audience = KnowledgeItem.Audience.AANBESTEDENDE_DIENST

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.phases.set(extracted)

    @factory.post_generation
    def r_levels(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.r_levels.set(extracted)
