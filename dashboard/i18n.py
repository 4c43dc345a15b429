"""Interface strings (Dutch/English) and Dutch-style number and date formatting."""

from __future__ import annotations

import math
from datetime import date

LANGS = ("nl", "en")

MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}

MEETING_TYPES = {
    "FMM": ("Buitenlandse Zaken", "Foreign ministers"),
    "DMM": ("Defensie", "Defence ministers"),
    "SUMMIT": ("NAVO-top", "Summit"),
    "INFORMAL_FMM": ("Informeel BZ", "Informal foreign"),
    "INFORMAL_DMM": ("Informeel Defensie", "Informal defence"),
    "OTHER": ("Overig", "Other"),
}
FIGURE_KINDS = {"amount": ("bedrag", "amount"), "percentage": ("percentage", "percentage")}

STANCES = {
    "calls_for": ("roept op", "calls for"),
    "supports": ("steunt", "supports"),
    "emphasises": ("benadrukt", "emphasises"),
    "proposes": ("stelt voor", "proposes"),
    "concern": ("uit zorg", "expresses concern"),
    "objects": ("maakt bezwaar", "objects"),
    "states": ("stelt", "states"),
}

DOC_KINDS = {
    "verslag": ("verslag", "report"),
    "geannoteerde_agenda": ("geannoteerde agenda", "annotated agenda"),
    "other": ("overig", "other"),
}

# key: (Dutch, English). Strings with {} are formatted by the caller.
STRINGS: dict[str, tuple[str, str]] = {
    "title": ("NAVO-verslagen", "NATO reports"),
    "subtitle": (
        "Wat zei Nederland bij de NAVO, waarover, met wie — en hoe veranderde dat?",
        "What did the Netherlands say at NATO, about what, with whom — and how did that change?",
    ),
    "skip": ("Naar de inhoud", "Skip to content"),
    "nav_overview": ("Overzicht", "Overview"),
    "nav_topics": ("Onderwerpen", "Topics"),
    "nav_positions": ("Nederlandse standpunten", "Dutch positions"),
    "nav_bilaterals": ("Bilaterale gesprekken", "Bilaterals"),
    "nav_budget": ("Bedragen en normen", "Budget figures"),
    "nav_meetings": ("Bijeenkomsten", "Meetings"),
    "nav_documents": ("Documenten", "Documents"),
    "filters": ("Filters", "Filters"),
    "period": ("Periode", "Period"),
    "meeting_type": ("Soort bijeenkomst", "Meeting type"),
    "all_types": ("Alle soorten", "All types"),
    "topics": ("Onderwerpen", "Topics"),
    "all_topics": ("Alle onderwerpen", "All topics"),
    "language": ("Taal", "Language"),
    "reset": ("Filters wissen", "Clear filters"),
    "synthetic": (
        "Synthetische demodata: dit zijn gegenereerde voorbeeldverslagen, geen echte Kamerstukken.",
        "Synthetic demo data: these are generated sample reports, not real parliamentary papers.",
    ),
    "no_data": (
        "Nog geen data. Bouw eerst de tabellen: draai `make` (of `make demo` voor demodata) "
        "en laad deze pagina opnieuw. Map: {}",
        "No data yet. Build the tables first: run `make` (or `make demo` for demo data) "
        "and reload this page. Folder: {}",
    ),
    "not_found": ("Deze pagina bestaat niet: {}", "This page does not exist: {}"),
    "chart": ("Grafiek", "Chart"),
    "table": ("Tabel", "Table"),
    "csv": ("CSV downloaden", "Download CSV"),
    "svg": ("SVG downloaden", "Download SVG"),
    "sources": ("Bronnen: {} documenten", "Sources: {} documents"),
    "sources_none": ("Bronnen: geen documenten in deze selectie", "Sources: no documents here"),
    "more": ("en {} meer", "and {} more"),
    "empty_chart": ("Geen gegevens voor deze selectie", "No data for this selection"),
    # overview
    "n_documents": ("documenten", "documents"),
    "n_meetings": ("bijeenkomsten", "meetings"),
    "n_positions": ("standpunten", "positions"),
    "n_bilaterals": ("bilaterale gesprekken", "bilaterals"),
    "n_figures": ("bedragen en percentages", "figures"),
    "timeline": ("Alle bijeenkomsten", "All meetings"),
    "timeline_note": ("Gekleurd naar soort bijeenkomst", "Coloured by meeting type"),
    "movers": ("Sterkste stijgers en dalers", "Topics that rose and fell most"),
    "movers_note": (
        "Aandeel van alle passages: tweede helft van de periode ({}) tegenover de eerste ({}), "
        "in procentpunten",
        "Share of all passages: second half of the period ({}) against the first ({}), "
        "in percentage points",
    ),
    # topics
    "heatmap": ("Onderwerpen door de tijd", "Topics over time"),
    "heatmap_note": (
        "Klik op een vak voor de passages erachter",
        "Click a cell to see the passages behind it",
    ),
    "lines": ("Gekozen onderwerpen", "Chosen topics"),
    "lines_note": (
        "De gefilterde onderwerpen, of anders de vijf meest besproken",
        "The filtered topics, or else the five most discussed",
    ),
    "grain": ("Per", "Per"),
    "year": ("jaar", "year"),
    "quarter": ("kwartaal", "quarter"),
    "measure": ("Maat", "Measure"),
    "count": ("aantal passages", "number of passages"),
    "share": ("aandeel van alle passages (%)", "share of all passages (%)"),
    "passages": ("Passages: {} in {}", "Passages: {} in {}"),
    "passages_hint": (
        "Klik op een vak in de heatmap om de passages te zien.",
        "Click a heatmap cell to see its passages.",
    ),
    "showing": ("{} van {} getoond", "showing {} of {}"),
    "pick_cell": (
        "Of kies hier een onderwerp en periode (typ om te zoeken)",
        "Or pick a topic and period here (type to search)",
    ),
    # positions
    "focus_topic": ("Onderwerp", "Topic"),
    "planned": ("Soort uitspraak", "Kind of statement"),
    "planned_all": ("alle", "all"),
    "planned_reported": ("gerapporteerd (verslag)", "reported (report)"),
    "planned_planned": ("voorgenomen (agenda)", "planned (agenda)"),
    "stance_timeline": ("Nederlandse uitspraken over {}", "Dutch statements on {}"),
    "stance_timeline_note": (
        "Elke stip is een zin; kleur = houding; open = voorgenomen (agenda)",
        "Each dot is a sentence; colour = stance; open = planned (agenda)",
    ),
    "stance_mix": ("Houding per jaar", "Stance mix per year"),
    "what_changed": ("Wat veranderde?", "What changed?"),
    "what_changed_note": (
        "Elke uitspraak naast de meest gelijkende uitspraak over hetzelfde onderwerp uit het "
        "vorige document; toegevoegde woorden onderstreept, geschrapte doorgehaald.",
        "Each statement beside the most similar statement on the same topic in the previous "
        "document; added words underlined, removed words struck through.",
    ),
    "latest_pairs": (
        "De {} nieuwste van {} paren; kies een eerdere periode voor oudere.",
        "The {} most recent of {} pairs; choose an earlier period for older ones.",
    ),
    "no_pairs": (
        "Te weinig uitspraken over dit onderwerp om te vergelijken.",
        "Too few statements on this topic to compare.",
    ),
    "stance": ("Houding", "Stance"),
    # bilaterals
    "map": ("Bilaterale gesprekken per land", "Bilateral talks per country"),
    "map_note": (
        "Klik op een land voor de gesprekken; Kosovo staat niet op deze kaart, wel in de tabel",
        "Click a country for its talks; Kosovo is not drawn on this map, but is in the table",
    ),
    "partners": ("Belangrijkste gesprekspartners per jaar", "Top partners per year"),
    "bilateral_table": ("Gesprekken", "Talks"),
    "country": ("Land", "Country"),
    "all_countries": ("Alle landen", "All countries"),
    "talks_with": ("Gesprekken met {}: {}", "Talks with {}: {}"),
    # budget
    "amounts": ("Genoemde bedragen", "Amounts named"),
    "amounts_note": ("Per valuta; elke stip is een bedrag", "By currency; each dot is an amount"),
    "log": ("Logaritmische schaal", "Log scale"),
    "percentages": ("Genoemde percentages", "Percentages named"),
    "percentages_note": (
        "Lijnen: 2%-norm (Wales 2014) en 3,5% + 1,5% = 5% (Den Haag 2025)",
        "Lines: 2% norm (Wales 2014) and 3.5% + 1.5% = 5% (The Hague 2025)",
    ),
    "figure_table": ("Alle bedragen en percentages", "All amounts and percentages"),
    # meetings & documents
    "meetings_table": ("Bijeenkomsten", "Meetings"),
    "search": ("Zoeken", "Search"),
    "search_meetings": ("Zoek in bijeenkomsten (stad, soort, document)", "Search meetings"),
    "search_docs": ("Zoek in de volledige tekst", "Search the full text"),
    "meeting_detail": ("Bijeenkomst {}", "Meeting {}"),
    "click_meeting": (
        "Klik op een bijeenkomst voor de details.",
        "Click a meeting for its details.",
    ),
    "results": ("{} documenten gevonden voor “{}”", "{} documents found for “{}”"),
    "all_documents": (
        "Alle documenten in deze selectie: {}",
        "All documents in this selection: {}",
    ),
    "doc_not_found": ("Document niet gevonden: {}", "Document not found: {}"),
    "official": ("Officiële bron", "Official source"),
    "back_to_list": ("Terug naar de lijst", "Back to the list"),
    "facts": ("Geëxtraheerde feiten", "Extracted facts"),
    "doc_text": ("Tekst", "Text"),
    "kind_meeting": ("bijeenkomst", "meeting"),
    "kind_position": ("standpunt", "position"),
    "kind_bilateral": ("bilateraal", "bilateral"),
    "kind_figure": ("bedrag/percentage", "figure"),
    "kind_topic": ("onderwerpen", "topics"),
    "not_in_text": ("(niet letterlijk in de tekst gevonden)", "(not found verbatim in the text)"),
    # columns
    "col_date": ("Datum", "Date"),
    "col_type": ("Soort", "Type"),
    "col_city": ("Plaats", "City"),
    "col_country": ("Land", "Country"),
    "col_sessions": ("Sessies", "Sessions"),
    "col_docs": ("Documenten", "Documents"),
    "col_doc": ("Document", "Document"),
    "col_title": ("Titel", "Title"),
    "col_kind": ("Soort document", "Kind"),
    "col_topic": ("Onderwerp", "Topic"),
    "col_period": ("Periode", "Period"),
    "col_passages": ("Passages", "Passages"),
    "col_share": ("Aandeel (%)", "Share (%)"),
    "col_text": ("Zin", "Sentence"),
    "col_evidence": ("Bron-zin", "Evidence"),
    "col_counterpart": ("Gesprekspartner", "Counterpart"),
    "col_subjects": ("Onderwerpen", "Subjects"),
    "col_value": ("Waarde", "Value"),
    "col_currency": ("Valuta", "Currency"),
    "col_raw": ("Letterlijk", "Raw text"),
    "col_year": ("Jaar", "Year"),
    "col_count": ("Aantal", "Count"),
    "col_planned": ("Voorgenomen", "Planned"),
    "col_first": ("Eerste helft (%)", "First half (%)"),
    "col_second": ("Tweede helft (%)", "Second half (%)"),
    "col_change": ("Verandering (pp)", "Change (pp)"),
    "col_synthetic": ("Synthetisch", "Synthetic"),
    # URL notices
    "n_too_long": (
        "De link is te lang ({} tekens); de standaardweergave wordt getoond.",
        "The link is too long ({} characters); showing the default view.",
    ),
    "n_garbage": (
        "De link kon niet gelezen worden; de standaardweergave wordt getoond.",
        "The link could not be read; showing the default view.",
    ),
    "n_unknown_param": ("Onbekende instelling genegeerd: {}", "Unknown setting ignored: {}"),
    "n_bad_value": ("Ongeldige waarde voor {} genegeerd: {}", "Invalid value for {} ignored: {}"),
    "first_rows": (
        "De tabel toont de eerste {} van {} rijen; de CSV bevat ze allemaal.",
        "The table shows the first {} of {} rows; the CSV holds them all.",
    ),
    "latest_figures": (
        "De grafiek toont de laatste {} van {} getallen; de tabel en de CSV bevatten ze allemaal.",
        "The chart shows the latest {} of {} figures; the table and the CSV hold them all.",
    ),
    "latest_points": (
        "De grafiek toont de laatste {} van {} uitspraken; de tabel en de CSV bevatten ze allemaal.",
        "The chart shows the latest {} of {} statements; the table and the CSV hold them all.",
    ),
    "n_unknown_topic": ("Onbekend onderwerp genegeerd: {}", "Unknown topic ignored: {}"),
    "n_swapped": (
        "Begin- en einddatum waren omgedraaid; ze zijn verwisseld.",
        "Start and end dates were reversed; they have been swapped.",
    ),
}


def t(key: str, lang: str, *args: object) -> str:
    """The interface string `key` in `lang`, formatted with `args`."""
    nl, en = STRINGS.get(key, (key, key))
    text = en if lang == "en" else nl
    return text.format(*args) if args else text


def pair(mapping: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    """A label from one of the (Dutch, English) dicts above; the key itself if unknown."""
    if key is None:
        return ""
    nl_en = mapping.get(key)
    if not nl_en:
        return key
    return nl_en[1] if lang == "en" else nl_en[0]


def fmt_date(d: date | None, lang: str = "nl") -> str:
    """A date written out: "18 december 2023" (nl) or "18 December 2023" (en)."""
    if d is None:
        return ""
    return f"{d.day} {MONTHS[lang if lang in MONTHS else 'nl'].split()[d.month - 1]} {d.year}"


def fmt_number(x: float | int | None, lang: str = "nl", decimals: int = 0) -> str:
    """A number with Dutch separators ("1.234,5") or English ones ("1,234.5")."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    s = f"{x:,.{decimals}f}"
    if lang == "en":
        return s
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _trim(x: float, lang: str) -> str:
    """At most two decimals, without trailing zeros."""
    s = fmt_number(x, lang, 2)
    sep = "." if lang == "en" else ","
    return s.rstrip("0").rstrip(sep) if sep in s else s


def fmt_amount(value: float | None, currency: str | None = None, lang: str = "nl") -> str:
    """An amount in words of scale: "€ 2,5 mld." (nl) or "€2.5 bn" (en)."""
    if value is None or not math.isfinite(value):
        return ""
    scales = {"nl": ((1e9, "mld."), (1e6, "mln."), (1e3, "")), "en": ((1e9, "bn"), (1e6, "m"))}
    symbol = {"EUR": "€", "USD": "$"}.get(currency or "", currency or "")
    for size, word in scales["en" if lang == "en" else "nl"]:
        if abs(value) >= size and word:
            number = f"{_trim(value / size, lang)} {word}"
            break
    else:
        number = fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    if not symbol:
        return number
    return f"{symbol}{number}" if lang == "en" else f"{symbol} {number}"


def fmt_percent(value: float | None, lang: str = "nl") -> str:
    """A percentage: "3,5%" (nl) or "3.5%" (en)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{_trim(value, lang)}%"
