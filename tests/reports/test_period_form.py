"""The dashboard's period form, whose widgets write their markup in Python (not through
the widget templates): what was typed comes back escaped, the chosen option selected,
each field described and marked invalid as the templates would."""

from bs4 import BeautifulSoup
from django.http import QueryDict
from django.utils import translation

from reports import forms


def _fields(query: str) -> BeautifulSoup:
    form = forms.PeriodForm(QueryDict(query))
    form.period  # noqa: B018 (validates, as the dashboard does)
    with translation.override("nl"):
        html = "".join(form[name].as_field_group() for name in ("periode", "van", "tot", "kaart"))
    return BeautifulSoup(html, "html.parser")


def test_the_period_select_groups_its_options_and_keeps_the_choice():
    page = _fields("periode=aangepast&van=2026-06-01&tot=2026-06-30&kaart=hoog")

    select = page.select_one("select#id_periode")
    assert select["name"] == "periode"
    assert select["class"] == ["utrecht-select", "utrecht-select--html-select"]
    assert page.select_one("label[for=id_periode]").get_text() == "Periode"
    assert [group["label"] for group in select.select("optgroup")] == ["Jaar", "Kwartaal"]
    assert len(select.select("optgroup")[1].select("option")) == 8
    assert [option["value"] for option in select.select("option[selected]")] == ["aangepast"]
    assert select.select("option")[-1].get_text() == "Aangepaste datums"
    kaart = page.select_one("select#id_kaart")
    assert [option["value"] for option in kaart.select("option[selected]")] == ["hoog"]
    assert not kaart.select("optgroup")
    for name, value in (("van", "2026-06-01"), ("tot", "2026-06-30")):
        box = page.select_one(f"input#id_{name}")
        assert box["type"] == "date"
        assert box["name"] == name
        assert box["value"] == value
        assert box["class"] == ["utrecht-textbox", "utrecht-textbox--html-input"]
        assert box["aria-describedby"] == f"id_{name}_helptext"
        assert not box.has_attr("aria-invalid")


def test_what_was_typed_comes_back_escaped_and_marked_invalid():
    typed = '"><script>alert(1)</script>'
    page = _fields("periode=aangepast&van=" + typed)

    assert page.find("script") is None
    box = page.select_one("input#id_van")
    assert box["value"] == typed
    assert box["aria-invalid"] == "true"
    assert page.select_one("#id_van_error").get_text(strip=True)
    assert not page.select_one("input#id_tot").has_attr("value")


def test_an_unknown_choice_selects_nothing():
    page = _fields("periode=jaar-1066&kaart=geheim")

    assert not page.select("select#id_kaart option[selected]")
    assert not page.select("select#id_periode option[selected]")
