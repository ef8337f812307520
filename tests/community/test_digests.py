"""The member digest: one mail per person and period for all their themegroups, only
when something is new, at most once, and an unsubscribe link that needs no login."""

import email.policy
import importlib
import re
import socket
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core import signing
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from community import digests, mails, tasks
from community.models import DigestDelivery, Meeting, ThemegroupMembership
from tests import factories
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 11, 30)
TUESDAY = MONDAY + timedelta(days=1)
LINK = re.compile(r"https?://\S+(/themagroepen/samenvatting/afmelden/\S+/)")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@pytest.fixture
def vastgoed(groene_hart):
    return factories.ThemegroupFactory(region=groene_hart, sector="vastgoed", slug="vastgoed")


@pytest.fixture
def places(gww, vastgoed, alice, bob, charlie):
    """alice is a member of both Groene Hart groups, bob coordinates GWW, charlie is a
    guest of GWW; everyone on the default (weekly) digest."""
    joined = at(MONDAY - timedelta(days=30))
    for themegroup, user, role in (
        (gww, alice, "lid"),
        (vastgoed, alice, "lid"),
        (gww, bob, "coordinator"),
        (gww, charlie, "gast"),
    ):
        factories.ThemegroupMembershipFactory(
            themegroup=themegroup, user=user, role=role, joined_at=joined
        )
    return {"gww": gww, "vastgoed": vastgoed}


def published_case(themegroup, day, title):
    return CaseFactory(published=True, published_at=at(day), themegroup=themegroup, title=title)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Make the digests as beat would on `today`, with the mails sent after commit."""

    def run(today=MONDAY):
        with django_capture_on_commit_callbacks(execute=True):
            return digests.digests_make(today)

    return run


def test_periods_daily_is_yesterday_weekly_is_last_week():
    assert digests.period("dagelijks", TUESDAY) == (MONDAY, TUESDAY)
    assert digests.period("wekelijks", MONDAY) == (MONDAY - timedelta(days=7), MONDAY)
    assert digests.due(MONDAY) == ["dagelijks", "wekelijks"]
    assert digests.due(TUESDAY) == ["dagelijks"]


def test_one_mail_per_person_lists_all_their_groups(run, places, alice, bob, mailoutbox):
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")
    published_case(places["vastgoed"], MONDAY - timedelta(days=2), "Hergebruikte kozijnen")

    made = run()

    assert made == 2
    by_person = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_person) == sorted([alice.email, bob.email])
    alices = by_person[alice.email].body
    assert "Circulair asfalt" in alices
    assert "Hergebruikte kozijnen" in alices
    assert "Hergebruikte kozijnen" not in by_person[bob.email].body  # bob is not in vastgoed
    assert len(LINK.findall(alices)) == 2  # one unsubscribe link per group


def test_a_second_run_sends_nothing_more(run, places, mailoutbox):
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")

    assert run() == 2
    assert run() == 0
    assert len(mailoutbox) == 2
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 2


def test_nothing_new_sends_nothing(run, places, mailoutbox):
    published_case(places["gww"], MONDAY - timedelta(days=10), "Van vorige week")
    published_case(places["gww"], MONDAY, "Van vandaag")  # in next week's digest

    assert run() == 0
    assert mailoutbox == []
    assert not DigestDelivery.objects.exists()


def test_guests_and_members_who_chose_no_mail_get_none(run, places, alice, bob, mailoutbox):
    ThemegroupMembership.objects.filter(user=bob).update(digest="geen")
    ThemegroupMembership.objects.filter(user=alice, themegroup=places["vastgoed"]).update(
        digest="geen"
    )
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")
    published_case(places["vastgoed"], MONDAY - timedelta(days=3), "Hergebruikte kozijnen")

    run()

    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert "Hergebruikte kozijnen" not in mailoutbox[0].body


def test_daily_digests_go_out_every_day_weekly_only_on_monday(run, places, alice, mailoutbox):
    ThemegroupMembership.objects.filter(user=alice).update(digest="dagelijks")
    published_case(places["gww"], MONDAY, "Van maandag")

    assert run(TUESDAY) == 1  # alice's daily digest; bob's weekly waits for Monday
    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert "Van maandag" in mailoutbox[0].body


def test_new_members_are_news_but_unpublished_cases_are_not(
    run, places, gww, dora, mailoutbox, alice
):
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=dora, joined_at=at(MONDAY - timedelta(days=2))
    )
    CaseFactory(themegroup=gww, title="Nog een concept")

    run()

    body = {message.to[0]: message.body for message in mailoutbox}[alice.email]
    assert dora.full_name in body
    assert "Nog een concept" not in body


def test_a_member_without_an_active_membership_gets_no_digest(
    run, places, suspended, gww, mailoutbox
):
    factories.ThemegroupMembershipFactory(themegroup=gww, user=suspended)
    published_case(gww, MONDAY - timedelta(days=3), "Circulair asfalt")

    run()

    assert suspended.email not in {message.to[0] for message in mailoutbox}


def test_each_groups_news_is_stored_short_and_its_text_rendered_once_per_batch(
    run, places, alice, bob, mailoutbox
):
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")
    published_case(places["vastgoed"], MONDAY - timedelta(days=2), "Hergebruikte kozijnen")
    rendered = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        assert run() == 2
    finally:
        template_rendered.disconnect(count)

    # alice (gww and vastgoed) and bob (gww): each group's text rendered once, not per
    # person; each person's greeting and links rendered for them.
    assert rendered.count("emails/digest_group.txt") == 2
    assert rendered.count("emails/digest_body.txt") == 2
    assert rendered.count("emails/digest_subject.txt") == 1
    for delivery in DigestDelivery.objects.all():
        for group in delivery.content:
            assert all(isinstance(item, list) and len(item) == 4 for item in group["items"])
    by_person = {message.to[0]: message.body for message in mailoutbox}
    bobs = by_person[bob.email]  # the group's text: its heading up to the unsubscribe line
    gww_block = bobs[bobs.index("== ") : LINK.search(bobs).start()].rsplit("\n", 1)[0]
    assert "Circulair asfalt" in gww_block
    assert gww_block in by_person[alice.email]


def test_every_mail_has_its_own_recipient_date_and_id_with_shared_headers(
    run, places, alice, bob, mailoutbox
):
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")

    run()

    built = {message.to[0]: message.message(policy=email.policy.SMTP) for message in mailoutbox}
    assert {address: str(message["To"]) for address, message in built.items()} == {
        alice.email: alice.email,
        bob.email: bob.email,
    }
    assert len({message["Message-ID"] for message in built.values()}) == 2
    assert len({message["Subject"] for message in built.values()}) == 1
    for address, message in built.items():
        raw = message.as_bytes()
        assert f"To: {address}\r\n".encode() in raw
        assert b'Content-Type: text/plain; charset="utf-8"' in raw
        # The body as it is (lines up to 998 octets), not quoted-printable: the
        # unsubscribe link, longer than 78 characters, stands in the mail unbroken.
        assert b"Content-Transfer-Encoding: 7bit" in raw
        body = {m.to[0]: m.body for m in mailoutbox}[address]
        assert LINK.search(body).group(0).encode() in raw


def test_a_digest_with_accents_goes_as_8bit_text():
    message = mails._DigestMessage(
        subject="Nieuw in uw themagroepen",
        body="Beste coördinator,\n" + "https://portal.example/" + "x" * 120 + "\n",
        from_email="portal@example.nl",
        to=["a@example.nl"],
        policies={},
    )

    raw = message.message(policy=email.policy.SMTP).as_bytes()

    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert "Beste coördinator,\r\nhttps://portal.example/".encode() in raw
    assert message.message().get_content() == message.body


def test_a_digest_claimed_by_a_worker_that_died_is_not_sent_again(places, alice, mailoutbox):
    delivery = DigestDelivery.objects.create(
        user=alice,
        frequency="wekelijks",
        period_start=MONDAY - timedelta(days=7),
        period_end=MONDAY,
        content=[],
        claimed_at=at(MONDAY, 7),
    )

    assert mails.digests_send(delivery_ids=[delivery.pk]) == 0
    assert mailoutbox == []


def test_a_mail_server_that_is_away_gives_the_claim_back_for_the_retry(
    places, alice, settings, mailoutbox
):
    delivery = DigestDelivery.objects.create(
        user=alice,
        frequency="wekelijks",
        period_start=MONDAY - timedelta(days=7),
        period_end=MONDAY,
        content=[],
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sock.getsockname()[1], "timeout": 5},
            }
        }
        with pytest.raises(ConnectionRefusedError):
            mails.digests_send(delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.claimed_at, delivery.sent_at) == (None, None)


@pytest.mark.integration
def test_a_real_worker_sends_the_digests(transactional_db, redis_worker, places, alice, mailoutbox):
    published_case(places["gww"], date.today() - timedelta(days=1), "Circulair asfalt")
    ThemegroupMembership.objects.filter(user=alice).update(digest="dagelijks")

    tasks.digests_send.delay()

    deadline = time.monotonic() + 30
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert "Circulair asfalt" in mailoutbox[0].body


def test_the_migration_schedules_the_digests_daily_in_the_database():
    task = PeriodicTask.objects.get(name="community-member-digests")

    assert task.task == tasks.digests_send.name
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "0",
        "7",
        "Europe/Amsterdam",
    )
    migration = importlib.import_module("community.migrations.0011_member_digest_schedule")
    task.enabled = False
    task.save()
    migration.schedule_digests(apps, None)
    assert PeriodicTask.objects.get(task=tasks.digests_send.name).enabled is False


# --- the unsubscribe link -----------------------------------------------------------


def _link(run, places, mailoutbox, alice, group="gww"):
    published_case(places["gww"], MONDAY - timedelta(days=3), "Circulair asfalt")
    published_case(places["vastgoed"], MONDAY - timedelta(days=3), "Hergebruikte kozijnen")
    run()
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places[group])
    return reverse("community:digest_unsubscribe", args=[digests.unsubscribe_token(place)])


def test_the_link_asks_first_then_switches_off_that_one_setting_without_login(
    client, run, places, alice, mailoutbox
):
    url = _link(run, places, mailoutbox, alice)
    body = {message.to[0]: message.body for message in mailoutbox}[alice.email]
    assert url in LINK.findall(body)

    page = client.get(url)
    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").select_one("[data-testid=unsubscribe-form]")
    assert ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"]).digest == (
        "wekelijks"
    )

    done = client.post(url)

    assert done.status_code == 200
    assert BeautifulSoup(done.content, "html.parser").select_one("[data-testid=unsubscribed]")
    settings = dict(
        ThemegroupMembership.objects.filter(user=alice).values_list("themegroup__slug", "digest")
    )
    assert settings == {"gww": "geen", "vastgoed": "wekelijks"}


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "abc", lambda t: t + "a"])
def test_a_forged_link_answers_404(client, places, alice, mangle):
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])
    token = mangle(digests.unsubscribe_token(place))

    response = client.post(reverse("community:digest_unsubscribe", args=[token]))

    assert response.status_code == 404
    assert place.digest == ThemegroupMembership.objects.get(pk=place.pk).digest


def test_the_token_is_the_settings_id_signed_for_this_use_only(client, places, alice):
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])

    token = digests.unsubscribe_token(place)

    assert signing.Signer(salt=digests.UNSUBSCRIBE_SALT).unsign(token) == str(place.pk)
    for elsewhere in (signing.Signer(), signing.Signer(salt="community.calendar")):
        forged = elsewhere.sign(str(place.pk))  # a signature made for another use
        response = client.post(reverse("community:digest_unsubscribe", args=[forged]))
        assert response.status_code == 404
    assert ThemegroupMembership.objects.get(pk=place.pk).digest == "wekelijks"


def test_a_link_from_a_mail_sent_before_the_short_tokens_still_works(client, places, alice):
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])
    older = signing.dumps(place.pk, salt=digests.UNSUBSCRIBE_SALT, compress=True)

    response = client.post(reverse("community:digest_unsubscribe", args=[older]))

    assert response.status_code == 200
    assert ThemegroupMembership.objects.get(pk=place.pk).digest == "geen"


def test_the_link_takes_get_and_post_only(client, places, alice):
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])
    url = reverse("community:digest_unsubscribe", args=[digests.unsubscribe_token(place)])

    assert client.put(url).status_code == 405


# --- the settings page --------------------------------------------------------------


def test_a_member_chooses_per_group(client, places, alice):
    client.force_login(alice)
    url = reverse("community:digest_settings")
    page = BeautifulSoup(client.get(url).content, "html.parser")
    gww_place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])
    vastgoed_place = ThemegroupMembership.objects.get(user=alice, themegroup=places["vastgoed"])
    fields = {radio["name"] for radio in page.select("[data-testid=digest-form] input[type=radio]")}
    assert fields == {f"groep_{gww_place.pk}", f"groep_{vastgoed_place.pk}"}

    response = client.post(
        url, {f"groep_{gww_place.pk}": "dagelijks", f"groep_{vastgoed_place.pk}": "wekelijks"}
    )

    assert response.status_code == 302
    gww_place.refresh_from_db()
    assert gww_place.digest == "dagelijks"


def test_a_bad_choice_keeps_the_form_with_the_error_linked(client, places, alice):
    client.force_login(alice)
    place = ThemegroupMembership.objects.get(user=alice, themegroup=places["gww"])
    other = ThemegroupMembership.objects.get(user=alice, themegroup=places["vastgoed"])

    response = client.post(
        reverse("community:digest_settings"),
        {f"groep_{place.pk}": "uurlijks", f"groep_{other.pk}": "dagelijks"},
    )

    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    summary = page.select_one("[data-testid=error-summary]")
    assert [link["href"] for link in summary.select("a")] == [f"#id_groep_{place.pk}_0"]
    assert page.select_one(f"#id_groep_{place.pk}_0")
    # Nothing is saved, and what was chosen is kept on the form.
    assert page.select_one(f"#id_groep_{other.pk}_1")["checked"] is not None
    assert set(
        ThemegroupMembership.objects.filter(user=alice).values_list("digest", flat=True)
    ) == {"wekelijks"}


def test_a_guest_has_no_digest_to_choose(client, places, charlie):
    client.force_login(charlie)

    page = BeautifulSoup(client.get(reverse("community:digest_settings")).content, "html.parser")

    assert page.select_one("[data-testid=digest-form]") is None


def test_the_settings_page_needs_a_login_and_takes_get_and_post_only(client, places, alice):
    url = reverse("community:digest_settings")
    assert client.get(url).status_code == 302
    client.force_login(alice)
    assert client.put(url).status_code == 405


def test_the_settings_page_reads_in_constant_queries(client, places, alice):
    client.force_login(alice)
    url = reverse("community:digest_settings")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        group = factories.ThemegroupFactory(region=places["gww"].region, slug=f"extra-{n}")
        factories.ThemegroupMembershipFactory(themegroup=group, user=alice)
    assert queries() == few


def test_a_new_member_links_to_the_group_page(run, places, gww, dora, alice, mailoutbox):
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=dora, joined_at=at(MONDAY - timedelta(days=2))
    )

    run()

    body = {message.to[0]: message.body for message in mailoutbox}[alice.email]
    assert gww.get_absolute_url() in body


def test_members_find_their_digest_choice_on_the_group_page(client, places, gww, alice, charlie):
    client.force_login(alice)
    page = BeautifulSoup(client.get(gww.get_absolute_url()).content, "html.parser")
    link = page.select_one("[data-testid=digest-settings-link]")
    assert link["href"] == reverse("community:digest_settings")


def test_meetings_planned_or_changed_and_actions_due_are_news(
    run, places, gww, alice, bob, mailoutbox
):
    old = factories.MeetingFactory(themegroup=gww, title="Voorjaarsoverleg")
    Meeting.history.filter(id=old.pk).update(history_date=at(MONDAY - timedelta(days=20)))
    old.location = "Woerden"
    old.save()
    new = factories.MeetingFactory(themegroup=gww, title="Najaarsoverleg")
    Meeting.history.filter(id=new.pk).update(history_date=at(MONDAY - timedelta(days=3)))
    Meeting.history.filter(id=old.pk, history_type="~").update(
        history_date=at(MONDAY - timedelta(days=2))
    )
    done = factories.MeetingActionFactory(
        meeting=old, owner=bob, title="Bestek delen", due_on=MONDAY + timedelta(days=2)
    )
    done.status = "afgerond"
    done.save()
    factories.MeetingActionFactory(
        meeting=old, owner=bob, title="Marktconsultatie plannen", due_on=MONDAY + timedelta(days=2)
    )
    factories.MeetingActionFactory(
        meeting=old, owner=bob, title="Later", due_on=MONDAY + timedelta(days=9)
    )

    run()

    body = {message.to[0]: message.body for message in mailoutbox}[alice.email]
    assert "Nieuwe bijeenkomst: Najaarsoverleg" in body
    assert "Gewijzigde bijeenkomst: Voorjaarsoverleg" in body
    assert "Marktconsultatie plannen" in body
    assert "Bestek delen" not in body  # done
    assert "Later" not in body  # due after the coming week
