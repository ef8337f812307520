"""What readers leave on a case (marks, bookmarks) and what a case page reads ready-made
(its stored article)."""

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from .library import Case


class CaseMarkQuerySet(models.QuerySet):
    def summary(self, case_id: int, user_id: int | None) -> tuple[int, bool, bool]:
        """(how many found the case useful, did this user, did this user bookmark it).

        Every case page asks, so it is one plain statement (both databases): the ORM's
        filtered aggregate cost four times as much to build as to run (benchmarks.cases).
        """
        table = self.model._meta.db_table
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM {table} WHERE case_id = %s AND kind = %s), "  # noqa: S608 (our table name)
                f"EXISTS(SELECT 1 FROM {table} WHERE case_id = %s AND user_id = %s AND kind = %s), "
                f"EXISTS(SELECT 1 FROM {table} WHERE case_id = %s AND user_id = %s AND kind = %s)",
                [
                    case_id,
                    CaseMark.Kind.NUTTIG,
                    case_id,
                    user_id,
                    CaseMark.Kind.NUTTIG,
                    case_id,
                    user_id,
                    CaseMark.Kind.BEWAARD,
                ],
            )
            useful, mine_useful, mine_saved = cursor.fetchone()
        return useful, bool(mine_useful), bool(mine_saved)


class CaseMark(models.Model):
    """A reader's mark on a case: 'nuttig' (counted, shown to all) or a private bookmark."""

    class Kind(models.TextChoices):
        NUTTIG = "nuttig", _("Nuttig")
        BEWAARD = "bewaard", _("Bewaard")

    case = models.ForeignKey(
        Case, verbose_name=_("praktijkvoorbeeld"), on_delete=models.CASCADE, related_name="marks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="case_marks",
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    objects = CaseMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("markering")
        verbose_name_plural = _("markeringen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "kind"],
                name="cases_casemark_once_per_kind",
                violation_error_message=_("U hebt dit praktijkvoorbeeld al zo gemarkeerd."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()} – {self.case}"


class CaseArticle(models.Model):
    """The part of a case page that changes only with the case, rendered in one language
    (see cases.articles).

    A case is read far more often than it is written, so this part (Markdown texts,
    strategies, obstacles, lessons, attachments) is rendered when the case changes and
    stored here; a case page reads it in one small query. A row is current while its
    `version` matches the template and translations that made it and `case_updated_at`
    the case's own `updated_at`."""

    case = models.ForeignKey(
        Case, verbose_name=_("praktijkvoorbeeld"), on_delete=models.CASCADE, related_name="articles"
    )
    language = models.CharField(_("taal"), max_length=10)
    version = models.CharField(_("versie"), max_length=16)
    case_updated_at = models.DateTimeField(_("versie van het praktijkvoorbeeld"))
    html = models.TextField(_("HTML"))
    # The case's R-levels, for its related cases (cases.views._related).
    r_levels = models.JSONField(_("R-niveaus"), default=list)
    # Whether trajectories are linked to it (the links are the case's own, changed
    # through its writers), so a page without links asks nothing more.
    has_trajectories = models.BooleanField(_("heeft gekoppelde inkooptrajecten"), default=False)
    rendered_at = models.DateTimeField(_("opgemaakt op"), auto_now=True)

    class Meta:
        verbose_name = _("opgemaakt praktijkvoorbeeld")
        verbose_name_plural = _("opgemaakte praktijkvoorbeelden")
        ordering = ["case", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "language"],
                name="cases_casearticle_one_per_language",
                violation_error_message=_(
                    "Dit praktijkvoorbeeld is in deze taal al opgemaakt opgeslagen."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.case} ({self.language})"
