"""Writes to the case library. Every service records the actor (history), runs in a
transaction and tells `case_changed` what it changed; e-mail goes out after commit, in
the background."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from uuid import uuid4

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases import facets, permissions, tasks
from cases.models import (
    Case,
    CaseAttachment,
    CaseLesson,
    CaseMark,
    CaseObstacle,
    CaseSlug,
    CaseStrategy,
    Tag,
)
from kit import site, uploads
from procurement import permissions as procurement_permissions
from procurement.models import Trajectory

logger = logging.getLogger(__name__)


@dataclass
class CaseContent:
    """What a writer fills in: the case's fields and its structured parts."""

    fields: dict
    organisations: list = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # keyword names; created if new
    # {"r_level": RStrategy, "explanation", "applied" (default True)}
    strategies: list[dict] = field(default_factory=list)
    obstacles: list[dict] = field(default_factory=list)  # {"dimension", "obstacle", "solution"}
    lessons: list[str] = field(default_factory=list)


# Addresses under /praktijkvoorbeelden/ that are pages of the library, not cases.
RESERVED_SLUGS = {"nieuw", "bewaard", "beoordelen", "uit-traject"}


def _slug_taken(slug: str, case: Case | None = None) -> bool:
    """In use as the address of another case, now or earlier (an old address keeps
    redirecting to its case, so it is never given to another one), or by a page of the
    library."""
    if slug in RESERVED_SLUGS:
        return True
    current = Case.objects.filter(slug=slug)
    earlier = CaseSlug.objects.filter(slug=slug)
    if case is not None and case.pk:
        current = current.exclude(pk=case.pk)
        earlier = earlier.exclude(case=case)
    return current.exists() or earlier.exists()


def _unique_slug(title: str, case: Case | None = None) -> str:
    base = slugify(title)[:180] or "praktijkvoorbeeld"
    slug = base
    while _slug_taken(slug, case):
        slug = f"{base}-{uuid4().hex[:6]}"
    return slug


def case_slug_follow_title(*, case: Case, old_title: str) -> None:
    """A renamed case gets an address from its new title; the old address is kept so it
    redirects permanently (cases.views.case_detail). Renamed back, it takes its earlier
    address again. Called by the writer before saving the case."""
    if case.title == old_title or slugify(case.title)[:180] == slugify(old_title)[:180]:
        return
    new_slug = _unique_slug(case.title, case)
    if new_slug == case.slug:
        return
    case_slug_keep(case=case, old_slug=case.slug, new_slug=new_slug)
    case.slug = new_slug


def case_slug_keep(*, case: Case, old_slug: str, new_slug: str) -> None:
    """Remember `old_slug` as an earlier address of the case, which now lives at
    `new_slug` (also used by the admin, where the slug is edited by hand)."""
    CaseSlug.objects.filter(case=case, slug=new_slug).delete()
    if old_slug and old_slug != new_slug:
        CaseSlug.objects.get_or_create(slug=old_slug, defaults={"case": case})


def _tags(names: list[str]) -> list[Tag]:
    """The keywords of these names, created when new (inside the writer's transaction)."""
    tags = {}
    limit = Tag._meta.get_field("name").max_length
    for name in names:
        name = name.strip()
        if len(name) > limit:
            # Refused, never cut: the form says so first (CaseForm.clean_tag_names).
            raise ValidationError(
                _("Een trefwoord mag hoogstens %(limit)d tekens hebben.") % {"limit": limit}
            )
        slug = slugify(name)
        if slug and slug not in tags:
            tags[slug] = Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
    return list(tags.values())


def _place_in_region(case: Case, organisations: list) -> None:
    """A case belongs to the region of one of its organisations (so the coordinators of
    that region review it): none chosen is the first organisation's region; another
    region is refused."""
    regions = [o.region_id for o in organisations if o.region_id]
    if case.region_id is None and regions:
        case.region_id = regions[0]
    elif case.region_id is not None and organisations and case.region_id not in regions:
        raise ValidationError(
            {"region": _("Kies de regio van een van de organisaties van het praktijkvoorbeeld.")}
        )


def _write_parts(case: Case, content: CaseContent) -> None:
    case.organisations.set(content.organisations)
    case.tags.set(_tags(content.tags))
    case.strategies.all().delete()
    CaseStrategy.objects.bulk_create(
        CaseStrategy(
            case=case,
            r_level=s["r_level"],
            explanation=s["explanation"],
            applied=s.get("applied", True),
        )
        for s in content.strategies
    )
    case.obstacles.all().delete()
    CaseObstacle.objects.bulk_create(
        CaseObstacle(case=case, position=position, **obstacle)
        for position, obstacle in enumerate(content.obstacles, start=1)
    )
    case.lessons.all().delete()
    CaseLesson.objects.bulk_create(
        CaseLesson(case=case, position=position, text=text)
        for position, text in enumerate(content.lessons, start=1)
    )


def case_changed(*, case_ids: Iterable[int]) -> None:
    """The one owner of "a case changed": every writer (these services, the admin, the
    seed and demo commands) calls it inside its transaction, for new, edited, published,
    withdrawn and deleted cases alike.

    Once the change commits, the facet index (cases.facets) learns the cases' state
    before the writer's response goes out, so the next list counts them; and the worker
    renders their stored articles again (cases.articles; a page that comes first renders
    its own). Lists, search and exports read the database and need nothing."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    transaction.on_commit(partial(_facets_update, ids))
    transaction.on_commit(partial(tasks.articles_render.delay, ids), robust=True)


def tags_changed(*, case_ids: Iterable[int]) -> None:
    """Keywords were renamed or deleted: the search text of their cases changes."""
    for case in Case.objects.filter(pk__in=list(case_ids)):
        case_search_index(case=case)
    case_changed(case_ids=case_ids)


def _facets_update(ids: list[int]) -> None:
    try:
        facets.update(ids)
    except Exception:
        # The change itself has committed: have the next page rebuild the index rather
        # than count from one that missed it.
        logger.exception("Facet index update failed for cases %s; it will be rebuilt", ids)
        facets.forget()


def _save(case: Case, actor) -> None:
    case._history_user = actor  # simple-history: who made this change
    case.full_clean(exclude=["search_vector"])
    case.save()  # a new updated_at: the stored articles of the case are stale now
    case_changed(case_ids=[case.pk])


@transaction.atomic
def case_create(*, actor, content: CaseContent) -> Case:
    """A new draft by the actor, in the region of their first organisation."""
    if not permissions.can_create_case(actor):
        raise PermissionDenied
    case = Case(**content.fields, author=actor, status=Case.Status.CONCEPT)
    case.slug = _unique_slug(case.title)
    _place_in_region(case, content.organisations)
    _save(case, actor)
    _write_parts(case, content)
    case_search_index(case=case)
    return case


@transaction.atomic
def case_from_trajectory(*, actor, trajectory: Trajectory) -> Case:
    """A draft case prefilled from a completed trajectory (organisations, category,
    procedure, the R-level achieved, the approach from the team's answers, outcome and
    lessons), linked back to it. It then goes through the case workflow as any draft."""
    if not (
        permissions.can_create_case(actor)
        and procurement_permissions.can_edit_trajectory(actor, trajectory)
    ):
        raise PermissionDenied
    if trajectory.status != Trajectory.Status.AFGEROND:
        raise ValidationError(_("Alleen van een afgerond traject maakt u een praktijkvoorbeeld."))
    answers = trajectory.answers.exclude(answer="").select_related("question__phase")
    approach = "\n".join(
        f"- **{a.question.text}** {a.answer}"
        for a in answers.order_by("question__phase__number", "question__position")
    )
    year = (trajectory.contract_start or trajectory.closed_on or timezone.localdate()).year
    strategies = []
    if trajectory.r_level_achieved_id is not None:
        strategies.append(
            {
                "r_level": trajectory.r_level_achieved,
                "explanation": _("Behaald in het inkooptraject “%(title)s”.")
                % {"title": trajectory.title},
            }
        )
    content = CaseContent(
        fields={
            "title": trajectory.title,
            "summary": (trajectory.outcome or trajectory.need_description)[:1000],
            "themegroup": trajectory.themegroup,
            "sector": trajectory.themegroup.sector if trajectory.themegroup else "",
            "product_category": trajectory.product_category,
            "year": year,
            "procedure": trajectory.procedure,
            "special_method": trajectory.special_method,
            "award_basis": trajectory.award_basis,
            "context": trajectory.need_description,
            "approach": approach,
            "results": trajectory.outcome,
        },
        organisations=[trajectory.organisation, *trajectory.participating_organisations.all()],
        strategies=strategies,
        lessons=[part.strip() for part in trajectory.lessons.split("\n\n") if part.strip()],
    )
    case = case_create(actor=actor, content=content)
    case.trajectories.add(trajectory)
    case_changed(case_ids=[case.pk])
    return case


@transaction.atomic
def case_update(*, actor, case: Case, content: CaseContent) -> Case:
    # The stored case decides (a model form has already put the new values, such as an
    # emptied region, on the instance), and gives the old title.
    stored = Case.objects.select_related("region").get(pk=case.pk)
    if not permissions.can_edit_case(actor, stored):
        raise PermissionDenied
    old_title = stored.title
    for name, value in content.fields.items():
        setattr(case, name, value)
    case_slug_follow_title(case=case, old_title=old_title)
    _place_in_region(case, content.organisations)
    _save(case, actor)
    _write_parts(case, content)
    case_search_index(case=case)
    return case


@transaction.atomic
def case_submit(*, actor, case: Case) -> Case:
    """Concept → ingediend: the region's coordinators may now review it."""
    if not permissions.can_submit_case(actor, case):
        raise PermissionDenied
    if case.region_id is None:
        raise ValidationError(_("Kies een regio, zodat een coördinator het kan beoordelen."))
    case.status = Case.Status.INGEDIEND
    case.submitted_at = timezone.now()
    case.review_comment = ""
    case.withdrawal_reason = ""
    _save(case, actor)
    _mail_author(case, "case_submitted")
    # The region's coordinators hear that a case awaits them (their review queue).
    transaction.on_commit(
        partial(tasks.reviewers_mail.delay, case.pk, site.site_url()), robust=True
    )
    return case


@transaction.atomic
def case_publish(*, actor, case: Case, visibility: str, checklist_confirmed: bool) -> Case:
    """Ingediend → gepubliceerd, for the community or for everyone (openbaar)."""
    if not permissions.can_review_case(actor, case):
        raise PermissionDenied
    if not checklist_confirmed:
        raise ValidationError(_("Bevestig eerst de controle op vertrouwelijke gegevens."))
    case.status = Case.Status.GEPUBLICEERD
    case.visibility = visibility
    case.published_at = timezone.now()
    case.review_comment = ""
    case.withdrawal_reason = ""
    _save(case, actor)
    _mail_author(case, "case_published")
    return case


@transaction.atomic
def case_return(*, actor, case: Case, comment: str) -> Case:
    """Ingediend → concept, with the reviewer's comment for the author."""
    if not permissions.can_review_case(actor, case):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError(_("Schrijf de auteur waarom het praktijkvoorbeeld terug gaat."))
    case.status = Case.Status.CONCEPT
    case.review_comment = comment.strip()
    _save(case, actor)
    _mail_author(case, "case_returned")
    return case


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str) -> Case:
    """Gepubliceerd → concept, with the reason (kept on the case and in its history); it
    leaves the library at once. When someone other than the author withdraws it, the
    author is told why."""
    if not permissions.can_withdraw_case(actor, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Schrijf waarom het praktijkvoorbeeld wordt teruggetrokken."))
    case.status = Case.Status.CONCEPT
    case.withdrawal_reason = reason.strip()
    case.published_at = None
    _save(case, actor)
    if case.author_id is not None and case.author_id != actor.pk:
        _mail_author(case, "case_withdrawn")
    return case


@transaction.atomic
def case_contact(*, actor, case: Case, message: str) -> None:
    """A member writes to the author or the contact of a published case. The message is
    mailed after commit by the worker, with the sender's verified address as reply-to;
    the recipient's address is never shown to the sender."""
    if not permissions.can_contact_about_case(actor, case):
        raise PermissionDenied
    if not message.strip():
        raise ValidationError(_("Schrijf uw bericht."))
    if not actor.emailaddress_set.filter(verified=True).exists():
        raise ValidationError(
            _("Bevestig eerst uw e-mailadres; de ontvanger antwoordt u op dat adres.")
        )
    logger.info("Case %s: user %s sends a contact message", case.pk, actor.pk)
    transaction.on_commit(
        partial(tasks.contact_mail.delay, case.pk, actor.pk, message.strip(), site.site_url()),
        robust=True,
    )


@transaction.atomic
def case_attachment_add(*, actor, case: Case, upload: UploadedFile, title: str) -> CaseAttachment:
    """Store a checked PDF/PNG/JPEG under a generated name."""
    if not permissions.can_edit_case(actor, case):
        raise PermissionDenied
    kind = uploads.check_upload(upload)
    upload.name = f"{uuid4().hex}{kind.extension}"
    attachment = CaseAttachment(
        case=case,
        file=upload,
        title=title or _("Bijlage"),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.full_clean()
    attachment.save()
    # The article lists the attachments: a new version of the case (not a history entry).
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    case_changed(case_ids=[case.pk])
    return attachment


def case_search_index(*, case: Case) -> None:
    """Store the Dutch tsvector of a case: title and summary weigh most, then the story,
    then strategies, obstacles, solutions and lessons. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    parts = {
        "A": [case.title],
        "B": [case.summary],
        "C": [case.context, case.approach, case.results, case.involved_parties],
        "D": [
            *case.strategies.values_list("explanation", flat=True),
            *(f"{o} {s}" for o, s in case.obstacles.values_list("obstacle", "solution")),
            *case.lessons.values_list("text", flat=True),
            *case.tags.values_list("name", flat=True),
        ],
    }
    vector = None
    for weight, texts in parts.items():
        part = SearchVector(Value(" ".join(t for t in texts if t)), weight=weight, config="dutch")
        vector = part if vector is None else vector + part
    Case.objects.filter(pk=case.pk).update(search_vector=vector)


def _mail_author(case: Case, event: str) -> None:
    """Tell the author what happened to their case: sent in the background once the
    change is committed (cases.tasks.author_mail), so no request waits on the mail
    server. If the broker is away the change still stands; the failure is logged."""
    # The address the change was made on (kit.site), taken now: the worker has no request.
    transaction.on_commit(
        partial(tasks.author_mail.delay, case.pk, event, site.site_url()), robust=True
    )


@transaction.atomic
def case_mark_toggle(*, actor, case: Case, kind: str) -> bool:
    """Set or remove the actor's mark of this kind; returns whether it is now set."""
    deleted, _rows = CaseMark.objects.filter(case=case, user=actor, kind=kind).delete()
    if deleted:
        return False
    CaseMark.objects.create(case=case, user=actor, kind=kind)
    return True
