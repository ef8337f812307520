"""A themegroup journey in a real browser: bob, coordinator of the Groene Hart GWW
group, invites a new address; the invited person follows the link, signs up, confirms
their e-mail address and lands on the group's page as a member. axe (WCAG 2.1 A/AA)
finds no violation on any page visited."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from community import services
from community.models import Membership, ThemegroupMembership, User
from procurement import services as procurement_services
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

INVITATION_LINK = re.compile(r"/themagroepen/uitnodiging/[\w-]+/")
CONFIRMATION_LINK = re.compile(r"/account/confirm-email/\S+/")
NEW_EMAIL = "nina@beta.example"
PASSWORD = "groene-hart-circulair-2030"


@pytest.fixture
def group(gww, alice, bob, dora):
    """The GWW group with something in every part of its page (so that axe checks them):
    a learning goal, an announcement in Markdown, a shared document, a request to join."""
    ThemegroupMembership.objects.create(themegroup=gww, user=bob, role="coordinator")
    ThemegroupMembership.objects.create(themegroup=gww, user=alice, role="lid")
    services.learning_goal_create(actor=bob, themegroup=gww, title="Een MKI-eis in elk bestek")
    services.themegroup_announcement_create(
        actor=bob, themegroup=gww, title="Kademuren", body="Lees **vooraf** het verslag."
    )
    services.themegroup_document_add(
        actor=alice,
        themegroup=gww,
        upload=SimpleUploadedFile("verslag.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Verslag",
    )
    services.themegroup_join_request_create(actor=dora, themegroup=gww, message="Graag")
    return gww


def submit(page, form):
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_a_coordinator_invites_a_new_member_who_signs_up_through_the_link(
    page, browser_context, login_as, bob, beta, group, mailoutbox, celery_eager
):
    login_as(bob)
    page.goto("/themagroepen/")
    assert_accessible(page)
    page.locator("[data-testid=themegroup][data-slug=gww] a").click()
    expect(page.locator("main h1")).to_have_text("GWW")
    assert_accessible(page)

    page.locator("[data-testid=manage-members]").click()
    assert_accessible(page)
    form = page.locator("[data-testid=invite-form]")
    submit(page, form)  # empty: the summary links to the field
    expect(page.locator("[data-testid=error-summary] a[href='#id_email']")).to_have_count(1)
    assert_accessible(page)
    form = page.locator("[data-testid=invite-form]")
    form.locator("#id_email").fill(NEW_EMAIL)
    form.locator("input[name=role][value=lid]").check()
    form.locator("#id_organisation").select_option(label="Gemeente Beta")
    submit(page, form)
    expect(page.locator(f"[data-testid=invitation][data-email='{NEW_EMAIL}']")).to_have_count(1)
    assert_accessible(page)

    (invitation_mail,) = mailoutbox
    assert invitation_mail.to == [NEW_EMAIL]
    link = INVITATION_LINK.search(invitation_mail.body)[0]

    browser_context.clear_cookies()  # the invited person, in their own browser
    page.goto(link)
    expect(page.locator("[data-testid=invitation]")).to_be_visible()
    assert_accessible(page)
    page.locator("[data-testid=signup]").click()
    signup = page.locator("main form.portal-form")
    signup.locator("#id_full_name").fill("Nina Nieuw")
    signup.locator("#id_email").fill(NEW_EMAIL)
    signup.locator("#id_password1").fill(PASSWORD)
    signup.locator("#id_password2").fill(PASSWORD)
    submit(page, signup)
    expect(page).to_have_url(re.compile(r"/account/confirm-email/$"))
    assert_accessible(page)

    confirmation = CONFIRMATION_LINK.search(mailoutbox[-1].body)[0]
    page.goto(confirmation)
    assert_accessible(page)
    submit(page, page.locator("main form"))

    expect(page).to_have_url(re.compile(re.escape(group.get_absolute_url()) + "$"))
    expect(page.locator("[data-testid=themegroup]")).to_have_attribute("data-role", "lid")
    expect(page.locator(f"[data-testid=member][data-email='{NEW_EMAIL}']")).to_have_count(1)
    assert_accessible(page)
    nina = User.objects.get(email=NEW_EMAIL)
    assert Membership.objects.active().get(user=nina).organisation == beta


def test_a_coordinator_deletes_an_announcement_and_a_document_after_confirming(
    page, login_as, bob, group
):
    login_as(bob)
    page.goto(group.get_absolute_url())
    for kind in ("announcement", "document"):
        submit(page, page.locator(f"[data-testid={kind}-delete]").first)
        confirmation = page.locator("[data-testid=delete-confirmation]")
        expect(confirmation).to_be_visible()
        assert_accessible(page)
        submit(page, confirmation)
        expect(page.locator(f"[data-testid={kind}]")).to_have_count(0)
        assert_accessible(page)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_member_shares_a_document_on_its_own_page(page, login_as, alice, group, tmp_path):
    """From the group's page to the upload page; a file that is not what it says comes
    back with the error summary and the title kept; a real PDF lands in the group's
    documents. The members page opens for a member, read only."""
    login_as(alice)
    page.goto(group.get_absolute_url())
    assert not page.locator("[data-testid=documents] form[enctype]").count()
    with page.expect_navigation():
        page.locator("[data-testid=document-new]").click()
    assert_accessible(page)

    fake = tmp_path / "stiekem.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    form = page.locator("[data-testid=document-form]")
    form.locator("#id_document-file").set_input_files(str(fake))
    form.locator("#id_document-title").fill("Verslag april")
    submit(page, form)
    expect(page.locator("[data-testid=error-summary] a[href='#id_document-file']")).to_have_count(1)
    expect(page.locator("#id_document-title")).to_have_value("Verslag april")
    assert_accessible(page)

    real = tmp_path / "verslag-april.pdf"
    real.write_bytes(PDF)
    form = page.locator("[data-testid=document-form]")
    form.locator("#id_document-file").set_input_files(str(real))
    submit(page, form)

    expect(page).to_have_url(re.compile(re.escape(group.get_absolute_url()) + "#documenten$"))
    expect(page.locator("[data-testid=document] a", has_text="Verslag april")).to_have_count(1)
    assert_accessible(page)

    page.goto(group.get_absolute_url() + "leden/")
    expect(page.locator("[data-testid=members] [data-testid=member]")).to_have_count(2)
    expect(page.locator("[data-testid=invite-form]")).to_have_count(0)
    assert_accessible(page)


def test_a_member_opens_all_the_groups_trajectories_from_its_page(
    page, login_as, alice, alfa, group, zwolle_gww
):
    """The section's link opens the trajectory list narrowed to the group: the joint
    trajectory and alice's organisation's one under another GWW group, as many as the
    section counts, with the narrowing said above the search box."""
    for title, themegroup in (("Kademuren", group), ("Fietspad", zwolle_gww)):
        procurement_services.trajectory_create(
            actor=alice,
            organisation=alfa,
            title=title,
            procurement_type="werk",
            themegroup=themegroup,
        )
    login_as(alice)
    page.goto(group.get_absolute_url())
    total = page.locator("[data-testid=themegroup-trajectories-total]")
    expect(total).to_have_attribute("data-total", "2")

    page.locator("[data-testid=themegroup-trajectories-all]").click()

    expect(page.locator("[data-testid=group-filter]")).to_be_visible()
    expect(page.locator("[data-testid=trajectory-row]")).to_have_count(2)
    assert_accessible(page)
    page.locator("#id_q").fill("Fietspad")  # searching keeps the group
    page.locator("form.portal-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"groep=.*q=Fietspad|q=Fietspad.*groep="))
    expect(page.locator("[data-testid=trajectory-row]")).to_have_count(1)
    page.locator("#id_q").fill("")
    page.locator("form.portal-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"groep="))
    expect(page.locator("[data-testid=trajectory-row]")).to_have_count(2)
