"""POST data of the case form, with the management forms of its three formsets."""

FORMSETS = {"strategie": 3, "obstakel": 4, "les": 3}


def case_form_data(
    *,
    organisations,
    strategies=(),
    obstacles=(),
    lessons=(),
    **fields,
) -> dict:
    """What a browser sends for the case form.

    strategies: (r_level, explanation) pairs; obstacles: (dimension, obstacle, solution)
    triples; lessons: texts (blank ones allowed, as in a half-filled form).
    """
    data = {
        "title": "Stoelen hergebruikt",
        "summary": "De gemeente liet haar kantoorstoelen opknappen in plaats van nieuwe te kopen.",
        "organisations": [o.pk for o in organisations],
        "region": "",
        "themegroup": "",
        "sector": "",
        "product_category": "",
        "year": "",
        "procedure": "",
        "special_method": "",
        "award_basis": "",
        "context": "",
        "approach": "",
        "involved_parties": "",
        "results": "",
        "tag_names": "",
        "attachment_title": "",
    }
    rows = {
        # A browser sends the "Toegepast" box as rendered: ticked.
        "strategie": [
            {"r_level": level, "explanation": text, "applied": "on"} for level, text in strategies
        ],
        "obstakel": [
            {"dimension": dimension, "obstacle": obstacle, "solution": solution}
            for dimension, obstacle, solution in obstacles
        ],
        "les": [{"text": text} for text in lessons],
    }
    for prefix, extra in FORMSETS.items():
        total = max(extra, len(rows[prefix]))
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(total),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows[prefix]):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    data.update(fields)
    return data
