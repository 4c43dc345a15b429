"""What the demo letters say about each topic, by era: phrases tagged with the topics they mention.

Each line of a bank reads "years | text | other topics the text mentions". Years are "2014-2021",
"2022-" or "*". Kinds:

    head   a section heading
    ctx    a whole sentence about what was discussed (never a Dutch position)
    np     a goal, as a noun phrase ("pleitte voor …", "steunde …")
    claim  a subordinate clause ("benadrukte dat …")
    worry  a noun phrase for concern ("uitte zorgen over …")
    obj    a noun phrase for objection ("maakte bezwaar tegen …")
    prop   an "om … te …" clause ("stelde voor om …")
    subj   a short noun phrase, a subject of a bilateral conversation
    fact   a Dutch contribution as a noun phrase (only "Nederland bracht … onder de aandacht",
           or allies who welcome it)
    nlclaim  a claim only the Netherlands can make about itself

Figures are written as placeholders that the composer fills in and records in the truth:
<<EUR:lo:hi>> / <<USD:lo:hi>> an amount; <<EURF:v>> a fixed amount; <<PCT:lo:hi>> a percentage;
<<PCTF:v>> a fixed percentage; <<PCTC:v>> a fixed one in compact form ("2%", before "-norm");
<<Y+k>> the year (meeting year + k) the preceding figure is for; <<YN+k>> the same for the next
figure; <<YA:2035>> an absolute year for the preceding figure. Not figures (distractors):
<<y+k>> a year named for another reason, <<N:lo:hi>> a count.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.tables import CORE_TOPIC_IDS


@dataclass(frozen=True, slots=True)
class Item:
    """One phrase of a bank: the years it fits, its text and every topic it mentions."""

    y0: int
    y1: int
    text: str
    topics: tuple[str, ...]


TOPIC_IDS: tuple[str, ...] = CORE_TOPIC_IDS

# Prevalence by era: (first year, weight) steps; a topic is absent before its first step.
WEIGHTS: dict[str, tuple[tuple[int, float], ...]] = {
    "ukraine": ((2003, 0.3), (2008, 0.9), (2009, 0.3), (2014, 1.6), (2022, 3.2)),
    "russia": ((2003, 0.7), (2014, 1.8), (2022, 2.4)),
    "china": ((2019, 0.9), (2022, 1.4)),
    "indo_pacific": ((2020, 0.8), (2022, 1.0)),
    "defence_spending": ((2003, 0.4), (2014, 1.5), (2022, 2.0), (2025, 2.6)),
    "defence_industry": ((2003, 0.2), (2014, 0.4), (2022, 1.5)),
    "western_balkans": ((2003, 1.3), (2009, 0.6)),
    "enlargement": (
        (2003, 1.2),
        (2005, 0.3),
        (2008, 1.5),
        (2010, 0.3),
        (2016, 1.0),
        (2021, 0.3),
        (2022, 2.0),
        (2025, 0.4),
    ),
    "eu_nato": ((2003, 0.5), (2016, 0.9)),
    "middle_east": ((2003, 0.4), (2011, 1.0), (2012, 0.4), (2014, 1.0), (2020, 0.3), (2023, 0.9)),
    "hybrid_threats": ((2015, 1.0), (2022, 1.2)),
    "terrorism": ((2003, 0.4), (2015, 1.3), (2020, 0.5)),
    "afghanistan": (
        (2003, 1.6),
        (2006, 2.6),
        (2011, 2.0),
        (2015, 0.8),
        (2021, 1.5),
        (2022, 0.05),
    ),
    "nuclear_deterrence": ((2003, 0.3), (2010, 0.6), (2022, 1.0)),
    "arms_control": ((2003, 0.5), (2014, 0.4), (2018, 1.6), (2020, 0.5)),
    "cyber": ((2008, 0.2), (2010, 0.8), (2016, 1.0)),
    "common_funding": ((2003, 0.3), (2021, 0.7)),
    "climate_security": ((2019, 0.2), (2021, 0.8)),
    "partnerships": ((2003, 0.5),),
}


def weight(topic: str, year: int) -> float:
    """How likely a topic is on the agenda in a year."""
    w = 0.0
    for first, value in WEIGHTS[topic]:
        if year >= first:
            w = value
    return w


_RAW: dict[str, dict[str, str]] = {
    "ukraine": {
        "head": """
            * | Oekraïne |
            2014- | Steun aan Oekraïne |
            2022- | Oekraïne en de Russische oorlog | russia
            2008 | Oekraïne en Georgië |
            2023- | NAVO-Oekraïne Raad |
        """,
        "ctx": """
            2003-2013 | Bondgenoten bespraken de voortgang van de hervormingen in Oekraïne. |
            2008 | Over een Membership Action Plan voor Oekraïne en Georgië bestond onder bondgenoten geen consensus. | enlargement
            2014-2021 | Bondgenoten veroordeelden opnieuw de illegale annexatie van de Krim door Rusland. | russia
            2014-2021 | De situatie in Oost-Oekraïne bleef zorgelijk, ondanks de afspraken van Minsk. |
            2022- | De oorlog in Oekraïne stond centraal tijdens de bijeenkomst. |
            2022- | De Oekraïense minister van Buitenlandse Zaken gaf via een videoverbinding een toelichting op de situatie aan het front. |
            2023- | Tijdens de bijeenkomst van de NAVO-Oekraïne Raad werd gesproken over de langetermijnsteun aan Oekraïne. |
            2022- | Bondgenoten waren het eens over de noodzaak de steun aan Oekraïne onverminderd voort te zetten. |
            2025- | Het NATO Security Assistance and Training for Ukraine (NSATU) commando in Wiesbaden is inmiddels operationeel. |
        """,
        "np": """
            2003-2013 | voortzetting van de hervormingen van de Oekraïense veiligheidssector |
            2014-2021 | praktische steun aan Oekraïne via het Comprehensive Assistance Package |
            2014-2021 | een diplomatieke oplossing van het conflict in Oost-Oekraïne |
            2022- | het onverminderd voortzetten van de militaire steun aan Oekraïne |
            2022- | extra luchtverdediging voor Oekraïne |
            2023- | meer voorspelbaarheid in de langetermijnsteun aan Oekraïne |
            2024- | een onomkeerbaar pad naar NAVO-lidmaatschap voor Oekraïne | enlargement
            2023- | een gezamenlijke NAVO-toezegging van <<EURF:4e10>> per jaar voor militaire steun aan Oekraïne |
        """,
        "claim": """
            2008-2009 | de deur van de NAVO openstaat, maar een Membership Action Plan voor Oekraïne op dit moment niet aan de orde is | enlargement
            2014-2021 | de soevereiniteit en territoriale integriteit van Oekraïne niet ter discussie staan |
            2022- | de toekomst van Oekraïne in de NAVO ligt en lidmaatschap een kwestie van tijd is | enlargement
            2024- | Oekraïne zich op een onomkeerbaar pad naar NAVO-lidmaatschap bevindt | enlargement
            2022- | de steun aan Oekraïne zo lang als nodig moet worden voortgezet |
        """,
        "worry": """
            2014-2021 | de aanhoudende gevechten in Oost-Oekraïne |
            2022- | de Russische aanvallen op de Oekraïense energie-infrastructuur | russia
            2022- | het tekort aan munitie en luchtverdediging in Oekraïne |
        """,
        "obj": """
            2008 | het nu al toekennen van een Membership Action Plan aan Oekraïne | enlargement
        """,
        "prop": """
            2022- | om de coördinatie van de wapenleveranties aan Oekraïne bij de NAVO te beleggen |
            2014-2021 | om de trustfondsen voor Oekraïne verder aan te vullen |
        """,
        "subj": """
            2003-2013 | de hervormingen in Oekraïne |
            2014- | de steun aan Oekraïne |
            2022- | de oorlog in Oekraïne |
        """,
    },
    "russia": {
        "head": """
            * | Rusland |
            2003-2013 | NAVO-Rusland Raad |
            2014- | Relatie met Rusland |
            2022- | Russische dreiging |
        """,
        "ctx": """
            2003-2013 | Bondgenoten spraken over de samenwerking met Rusland in de NAVO-Rusland Raad. |
            2008-2009 | Het conflict tussen Rusland en Georgië overschaduwde de relatie met Rusland. |
            2014- | Bondgenoten spraken over de agressieve opstelling van Rusland. |
            2014-2021 | De praktische samenwerking met Rusland blijft opgeschort. |
            2022- | Rusland vormt volgens het Strategisch Concept de grootste en meest directe dreiging voor de veiligheid van bondgenoten. |
            2022- | De secretaris-generaal schetste de gevolgen van de Russische oorlogseconomie voor de veiligheid in Europa. |
        """,
        "np": """
            2003-2013 | een constructieve dialoog met Rusland in de NAVO-Rusland Raad |
            2003-2013 | meer praktische samenwerking met Rusland op het gebied van terrorismebestrijding | terrorism
            2014-2021 | een tweesporenbeleid van afschrikking en dialoog richting Rusland |
            2022- | een stevige en eensgezinde reactie op de Russische dreiging |
            2022- | het verder versterken van de afschrikking aan de oostflank tegen Rusland |
        """,
        "claim": """
            2003-2013 | de samenwerking met Rusland van groot belang blijft voor de Europese veiligheid |
            2014-2021 | er geen terugkeer naar business as usual met Rusland kan zijn |
            2022- | Rusland op de lange termijn een bedreiging blijft voor het bondgenootschap |
        """,
        "worry": """
            2003-2013 | de Russische opschorting van het CFE-verdrag | arms_control
            2014- | de toenemende Russische militaire activiteiten in de Oostzee |
            2022- | de Russische nucleaire retoriek | nuclear_deterrence
        """,
        "obj": """
            2014-2021 | het hervatten van de praktische samenwerking met Rusland |
        """,
        "prop": """
            2014-2021 | om de dialoog met Rusland in de NAVO-Rusland Raad open te houden |
        """,
        "subj": """
            2003-2013 | de relatie met Rusland |
            2014- | de dreiging vanuit Rusland |
        """,
    },
    "china": {
        "head": """
            * | China |
            * | China en de Indo-Pacific | indo_pacific
            2022- | Systemische uitdagingen: China |
        """,
        "ctx": """
            2019-2021 | Bondgenoten spraken voor het eerst uitgebreid over de opkomst van China. |
            2022- | Bondgenoten spraken over de uitdagingen die voortvloeien uit een assertiever China. |
            2022- | De Chinese steun aan de Russische oorlogsindustrie kwam uitgebreid aan bod. | russia
        """,
        "np": """
            2019-2021 | een gezamenlijk beeld van de kansen en uitdagingen die de opkomst van China met zich meebrengt |
            2022- | een gecoördineerde NAVO-aanpak van de uitdagingen die China stelt |
            2022- | het beperken van strategische afhankelijkheden van China |
        """,
        "claim": """
            2019-2021 | de NAVO de gevolgen van de opkomst van China voor de veiligheid van het bondgenootschap beter moet begrijpen |
            2022- | Chinese activiteiten invloed hebben op de veiligheidsbelangen van het bondgenootschap als geheel |
            2022- | China een beslissende rol speelt bij het in stand houden van de Russische oorlogsvoering | russia
        """,
        "worry": """
            2022- | de Chinese steun aan de Russische defensie-industrie | russia defence_industry
            2019- | Chinese investeringen in kritieke infrastructuur van bondgenoten |
        """,
        "obj": """
            2019-2021 | een te eenzijdig beeld van China als tegenstander |
        """,
        "prop": """
            2022- | om de weerbaarheid van bondgenoten tegen Chinese beïnvloeding gezamenlijk te versterken |
        """,
        "subj": """
            * | de opstelling van China |
        """,
    },
    "indo_pacific": {
        "head": """
            * | Indo-Pacific |
            * | Partners in de Indo-Pacific |
        """,
        "ctx": """
            * | Aan de sessie namen ook de ministers van de Asia-Pacific 4 (Australië, Japan, Nieuw-Zeeland en Zuid-Korea) deel. | partnerships
            * | Bondgenoten spraken over de veiligheidssituatie in de Indo-Pacific. |
        """,
        "np": """
            * | nauwere samenwerking met de partners in de Indo-Pacific | partnerships
            2022- | het betrekken van de Indo-Pacifische partners bij de steun aan Oekraïne | ukraine partnerships
        """,
        "claim": """
            * | de veiligheid in de Euro-Atlantische regio en de Indo-Pacific met elkaar verbonden is |
        """,
        "worry": """
            * | de toenemende spanningen in de Indo-Pacific |
        """,
        "obj": "",
        "prop": """
            * | om de partners uit de Indo-Pacific structureel uit te nodigen voor de topbijeenkomsten | partnerships
        """,
        "subj": """
            * | de veiligheidssituatie in de Indo-Pacific |
        """,
    },
    "defence_spending": {
        "head": """
            * | Defensie-uitgaven |
            * | Burden sharing |
            2014- | Defensie-uitgaven (burden sharing) |
            * | Lastenverdeling |
            2014-2024 | Defence Investment Pledge |
        """,
        "ctx": """
            2003-2013 | Bondgenoten spraken over de gevolgen van de bezuinigingen op de defensiebegrotingen. |
            2014- | De afspraken van de top in Wales over de defensie-uitgaven kwamen opnieuw aan de orde. |
            2014-2023 | Volgens de laatste ramingen halen <<N:3:23>> bondgenoten de <<PCTC:2>>-norm. |
            2016- | Europese bondgenoten en Canada verhoogden hun defensie-uitgaven sinds 2014 met in totaal <<USD:4e10:3.5e11>>. |
            2025- | Op de top in Den Haag spraken bondgenoten af om in <<YN+10>> <<PCTF:5>> van het bbp aan defensie en veiligheid te besteden. |
            2014-2021 | Ook de norm om <<PCTF:20>> van de defensie-uitgaven aan investeringen te besteden kwam aan de orde. |
        """,
        "np": """
            2003-2013 | een evenwichtige verdeling van de lasten binnen het bondgenootschap |
            2003-2013 | een efficiëntere besteding van de beschikbare defensiemiddelen |
            2014-2021 | het nakomen van de afspraken van Wales over de defensie-uitgaven |
            2014-2021 | een geloofwaardig pad richting de <<PCTC:2>>-norm |
            2022- | het structureel halen van de <<PCTC:2>>-norm door alle bondgenoten |
            2022- | een snelle stijging van de defensie-uitgaven in heel Europa |
            2025- | de nieuwe norm van <<PCTF:3.5>> voor kerndefensie-uitgaven en <<PCTF:1.5>> voor bredere veiligheidsuitgaven |
        """,
        "claim": """
            2022- | de <<PCTC:2>>-norm een ondergrens is en geen plafond |
        """,
        "worry": """
            2006-2013 | de aanhoudende bezuinigingen op de defensiebegrotingen van bondgenoten |
            2014- | de grote verschillen in defensie-uitgaven tussen bondgenoten |
        """,
        "obj": """
            2003-2013 | een bindende norm voor de defensie-uitgaven van bondgenoten |
            2014-2019 | een te rigide toepassing van de <<PCTC:2>>-norm |
        """,
        "prop": """
            2014-2021 | om naast de uitgaven ook de bijdragen aan missies en capaciteiten mee te wegen |
            2022- | om jaarlijks nationale plannen voor de groei van de defensie-uitgaven te presenteren |
        """,
        "subj": """
            * | de defensie-uitgaven |
            2014- | de afspraken over burden sharing |
        """,
    },
    "defence_industry": {
        "head": """
            * | Defensie-industrie |
            * | Capaciteiten en defensie-industrie |
            2022- | Defensieproductie |
        """,
        "ctx": """
            2003-2013 | Bondgenoten spraken over Smart Defence en het gezamenlijk ontwikkelen van capaciteiten. |
            2022- | Bondgenoten wezen op de noodzaak de productiecapaciteit van de defensie-industrie te vergroten. |
            2024- | Het Defence Production Action Plan werd verder uitgewerkt. |
        """,
        "np": """
            * | meer gezamenlijke aanschaf van defensiematerieel |
            2022- | het vergroten van de productiecapaciteit van de Europese defensie-industrie |
            2022- | langetermijncontracten met de defensie-industrie voor munitie |
        """,
        "claim": """
            2022- | de initiatieven van de EU en de NAVO voor de defensie-industrie goed op elkaar moeten worden afgestemd | eu_nato
            * | gezamenlijke ontwikkeling van capaciteiten kosten bespaart |
        """,
        "worry": """
            2022- | de lange levertijden van munitie en materieel |
        """,
        "obj": """
            2022- | protectionistische maatregelen die de trans-Atlantische defensiemarkt versnipperen |
        """,
        "prop": """
            2022- | om de defensieplanning van bondgenoten beter te laten aansluiten op de productiecapaciteit van de industrie |
            2003-2021 | om een gezamenlijk programma voor de aanschaf van precisiemunitie op te zetten |
        """,
        "subj": """
            * | samenwerking op het gebied van defensiematerieel |
        """,
    },
    "western_balkans": {
        "head": """
            * | Westelijke Balkan |
            * | Kosovo en KFOR |
            2003-2008 | KFOR |
        """,
        "ctx": """
            2003-2008 | Bondgenoten spraken over de toekomstige status van Kosovo. |
            * | De aanwezigheid van KFOR blijft van belang voor de stabiliteit in Kosovo. |
            2009- | Bondgenoten spraken zorgen uit over de instabiele situatie op de Westelijke Balkan. |
            2020- | De invloed en desinformatie vanuit Rusland werden genoemd als destabiliserende factoren op de Westelijke Balkan. | russia hybrid_threats
        """,
        "np": """
            * | een blijvende inzet van KFOR in Kosovo |
            2009- | de-escalatie tussen Servië en Kosovo |
            * | nauwe samenwerking tussen de NAVO- en EU-missies in Bosnië en Herzegovina | eu_nato
        """,
        "claim": """
            * | de stabiliteit op de Westelijke Balkan een gedeelde verantwoordelijkheid van de NAVO en de EU is | eu_nato
        """,
        "worry": """
            * | de oplopende spanningen in het noorden van Kosovo |
            2014- | de toenemende buitenlandse beïnvloeding op de Westelijke Balkan |
        """,
        "obj": """
            2003-2008 | een overhaaste afbouw van KFOR |
        """,
        "prop": """
            2009- | om de dialoog tussen Belgrado en Pristina actief te ondersteunen |
        """,
        "subj": """
            * | de situatie in Kosovo |
            * | de Westelijke Balkan |
        """,
    },
    "enlargement": {
        "head": """
            * | Uitbreiding |
            * | Open deur-beleid |
            2022-2024 | Toetreding van Finland en Zweden |
        """,
        "ctx": """
            2003 | Bondgenoten spraken over de voorbereiding van de toetreding van zeven nieuwe lidstaten. |
            2004 | In maart 2004 traden zeven nieuwe lidstaten toe tot het bondgenootschap. |
            2008-2009 | Bondgenoten verwelkomden de toetredingsprotocollen van Albanië en Kroatië. | western_balkans
            2016-2017 | Bondgenoten spraken over de toetreding van Montenegro. | western_balkans
            2018-2020 | Bondgenoten spraken over de toetreding van Noord-Macedonië na het Prespa-akkoord. | western_balkans
            2022-2024 | Zweden nam aan alle sessies deel als genodigde (invitee). |
            2022-2024 | De ratificatie van de toetreding van Zweden door Turkije en Hongarije liet op zich wachten. |
            * | Het open deur-beleid van de NAVO bleef onveranderd. |
        """,
        "np": """
            * | het open deur-beleid van het bondgenootschap |
            2022-2024 | een snelle toetreding van Finland en Zweden |
            2016-2020 | de toetreding van Montenegro en Noord-Macedonië | western_balkans
        """,
        "claim": """
            * | toetreding alleen mogelijk is voor landen die aan alle criteria voldoen |
            2022-2024 | een snelle toetreding van Zweden van belang is voor de veiligheid van het bondgenootschap |
        """,
        "worry": """
            2022-2024 | de vertraging in de ratificatie van de toetreding van Zweden |
        """,
        "obj": """
            * | het verlagen van de criteria voor toetreding |
        """,
        "prop": """
            * | om de kandidaat-lidstaten intensiever te begeleiden bij de hervormingen die voor toetreding nodig zijn |
        """,
        "subj": """
            2022-2024 | de toetreding van Finland en Zweden |
            * | het uitbreidingsbeleid |
        """,
    },
    "eu_nato": {
        "head": """
            * | EU-NAVO-samenwerking |
            * | Samenwerking met de Europese Unie |
        """,
        "ctx": """
            * | De Hoge Vertegenwoordiger van de EU nam deel aan de sessie. |
            2016- | Bondgenoten spraken over de uitvoering van de gezamenlijke verklaringen van de EU en de NAVO. |
            2003-2015 | Bondgenoten bespraken de Berlin Plus-afspraken met de Europese Unie. |
        """,
        "np": """
            * | nauwere samenwerking tussen de EU en de NAVO |
            2016- | complementariteit tussen de defensie-initiatieven van de EU en de NAVO |
            2018- | militaire mobiliteit als vlaggenschip van de EU-NAVO-samenwerking |
        """,
        "claim": """
            * | een sterkere Europese defensie ook de NAVO versterkt |
            * | duplicatie tussen de EU en de NAVO moet worden voorkomen |
        """,
        "worry": """
            * | de gebrekkige informatie-uitwisseling tussen de EU en de NAVO |
        """,
        "obj": """
            * | een Europese defensie-organisatie die de NAVO dupliceert |
        """,
        "prop": """
            * | om regulier overleg te organiseren tussen de betrokken onderdelen van de EU en de NAVO |
        """,
        "subj": """
            * | de samenwerking tussen de EU en de NAVO |
        """,
    },
    "middle_east": {
        "head": """
            * | Midden-Oosten |
            2011 | Libië |
            2014-2019 | Irak en de strijd tegen ISIS | terrorism
            2023- | Israël en de Palestijnse gebieden |
        """,
        "ctx": """
            2003-2010 | Bondgenoten spraken over de trainingsmissie van de NAVO in Irak. |
            2011 | Bondgenoten bespraken de voortgang van operatie Unified Protector boven Libië. |
            2014-2019 | Bondgenoten spraken over de bijdrage van de NAVO aan de strijd tegen ISIS in Irak en Syrië. | terrorism
            2023- | Ook de situatie in Israël en de Palestijnse gebieden kwam aan bod. |
        """,
        "np": """
            2003-2010 | voortzetting van de NAVO-trainingsmissie in Irak |
            2011 | een strikte uitvoering van het VN-mandaat voor Libië |
            2014-2019 | een grotere rol voor de NAVO in de anti-ISIS-coalitie | terrorism
            2023- | het voorkomen van regionale escalatie van het conflict in het Midden-Oosten |
        """,
        "claim": """
            * | stabiliteit in het Midden-Oosten rechtstreeks raakt aan de veiligheid van Europa |
        """,
        "worry": """
            2011- | de instabiliteit in Syrië |
            2023- | de humanitaire situatie in Gaza |
        """,
        "obj": "",
        "prop": """
            2014- | om de NAVO-missie in Irak uit te breiden met een adviesteam |
        """,
        "subj": """
            * | de situatie in het Midden-Oosten |
            2023- | de situatie in Israël en de Palestijnse gebieden |
        """,
    },
    "hybrid_threats": {
        "head": """
            * | Hybride dreigingen |
            2022- | Weerbaarheid en hybride dreigingen |
        """,
        "ctx": """
            * | Bondgenoten spraken over de toenemende hybride dreigingen, waaronder desinformatie en sabotage. |
            2022- | Recente incidenten met onderzeese kabels in de Oostzee kwamen aan de orde. |
        """,
        "np": """
            * | een gezamenlijke aanpak van hybride dreigingen |
            2022- | betere bescherming van kritieke onderzeese infrastructuur |
        """,
        "claim": """
            * | hybride dreigingen de weerbaarheid van de hele samenleving op de proef stellen |
        """,
        "worry": """
            * | de toename van hybride aanvallen op bondgenoten |
            2022- | Russische sabotage van kritieke infrastructuur | russia
        """,
        "obj": "",
        "prop": """
            * | om een gezamenlijk centrum voor het duiden van hybride dreigingen op te richten |
        """,
        "subj": """
            * | hybride dreigingen |
        """,
    },
    "terrorism": {
        "head": """
            * | Terrorismebestrijding |
            2015-2019 | Strijd tegen terrorisme |
        """,
        "ctx": """
            2003-2014 | Bondgenoten bespraken de voortgang van operatie Active Endeavour in de Middellandse Zee. |
            2015- | Bondgenoten spraken over de dreiging van terrorisme, in het licht van de recente aanslagen in Europa. |
        """,
        "np": """
            * | een sterkere rol van de NAVO bij terrorismebestrijding |
            2015- | betere informatie-uitwisseling over terroristische dreigingen |
        """,
        "claim": """
            * | terrorismebestrijding in de eerste plaats een nationale verantwoordelijkheid blijft |
        """,
        "worry": """
            2015- | de terugkeer van buitenlandse strijders naar Europa |
        """,
        "obj": """
            2015- | een nieuwe NAVO-missie gericht op terrorismebestrijding zonder helder mandaat |
        """,
        "prop": """
            2015- | om capaciteitsopbouw bij partners in de strijd tegen terrorisme te versterken | partnerships
        """,
        "subj": """
            * | de strijd tegen terrorisme |
        """,
    },
    "afghanistan": {
        "head": """
            2003-2014 | ISAF |
            2003-2014 | Afghanistan (ISAF) |
            * | Afghanistan |
            2015-2021 | Resolute Support |
        """,
        "ctx": """
            2003-2005 | Bondgenoten spraken over de uitbreiding van ISAF buiten Kabul. |
            2006-2010 | Bondgenoten bespraken de veiligheidssituatie in het zuiden van Afghanistan, waaronder Uruzgan. |
            2011-2014 | Bondgenoten spraken over de overdracht van de veiligheidsverantwoordelijkheid aan de Afghaanse autoriteiten. |
            2015-2020 | Bondgenoten spraken over de voortgang van de trainingsmissie Resolute Support. |
            2021 | Bondgenoten blikten terug op de terugtrekking uit Afghanistan en de evacuatie uit Kabul. |
        """,
        "np": """
            2003-2010 | een grotere bijdrage van bondgenoten aan ISAF |
            2006-2010 | meer helikopters en trainers voor de operatie in Uruzgan |
            2011-2014 | een zorgvuldige overdracht van de veiligheidsverantwoordelijkheid aan de Afghaanse autoriteiten |
            2015-2020 | voortzetting van de missie Resolute Support |
            2021 | een grondige evaluatie van de inzet in Afghanistan |
        """,
        "claim": """
            2003-2014 | de wederopbouw in Afghanistan net zo belangrijk is als de veiligheidsinzet |
            2015-2020 | een politieke oplossing in Afghanistan de enige weg naar duurzame vrede is |
            2021 | lessen moeten worden getrokken uit twintig jaar inzet in Afghanistan |
        """,
        "worry": """
            2003-2014 | de verslechterende veiligheidssituatie in Afghanistan |
            2021 | het lot van Afghanen die voor de NAVO hebben gewerkt |
        """,
        "obj": """
            2006-2014 | de nationale beperkingen (caveats) die sommige bondgenoten aan hun inzet in Afghanistan verbinden |
        """,
        "prop": """
            2003-2014 | om het trustfonds voor het Afghaanse leger verder aan te vullen |
        """,
        "subj": """
            * | de situatie in Afghanistan |
            2006-2010 | de inzet in Uruzgan |
        """,
    },
    "nuclear_deterrence": {
        "head": """
            * | Nucleaire afschrikking |
            2022- | Afschrikking en verdediging (nucleair) |
        """,
        "ctx": """
            * | De Nucleaire Planningsgroep kwam bijeen in de marge van de bijeenkomst. |
            2010-2013 | Bondgenoten spraken over de herziening van de afschrikkings- en defensiehouding (DDPR). |
            2022- | Bondgenoten spraken over de geloofwaardigheid van de nucleaire afschrikking van de NAVO. |
        """,
        "np": """
            * | een geloofwaardige nucleaire afschrikking zolang er kernwapens bestaan |
            2010-2021 | transparantie over de nucleaire posture van de NAVO |
        """,
        "claim": """
            * | de NAVO een nucleaire alliantie blijft zolang er kernwapens bestaan |
        """,
        "worry": """
            2022- | de uitbreiding van het Chinese nucleaire arsenaal | china
        """,
        "obj": "",
        "prop": """
            2010-2021 | om de rol van kernwapens in de NAVO-strategie opnieuw te bezien |
        """,
        "subj": """
            * | nucleaire afschrikking |
        """,
    },
    "arms_control": {
        "head": """
            * | Wapenbeheersing |
            2018-2019 | INF-verdrag |
            2003-2013 | Wapenbeheersing en non-proliferatie |
        """,
        "ctx": """
            2003-2013 | Bondgenoten spraken over de impasse rond het CFE-verdrag. |
            2018-2019 | Bondgenoten bespraken de Russische schending van het INF-verdrag. | russia
            2020-2021 | Met het verstrijken van het INF-verdrag op 2 augustus 2019 is een belangrijke pijler van de Europese veiligheid weggevallen. |
            2020- | Bondgenoten spraken over de toekomst van het New START-verdrag. |
        """,
        "np": """
            * | nieuwe stappen op het gebied van wapenbeheersing en ontwapening |
            2018-2019 | het behoud van het INF-verdrag |
            2020- | het betrekken van China bij toekomstige wapenbeheersingsakkoorden | china
        """,
        "claim": """
            * | wapenbeheersing een integraal onderdeel is van het veiligheidsbeleid van de NAVO |
            2018-2019 | Rusland verantwoordelijk is voor het einde van het INF-verdrag | russia
        """,
        "worry": """
            2018-2019 | de Russische schending van het INF-verdrag | russia
            2020- | het uitblijven van vervolgafspraken na New START |
        """,
        "obj": "",
        "prop": """
            * | om binnen de NAVO een gezamenlijke visie op wapenbeheersing te ontwikkelen |
        """,
        "subj": """
            * | wapenbeheersing |
        """,
    },
    "cyber": {
        "head": """
            * | Cyberdefensie |
            * | Cyber |
        """,
        "ctx": """
            * | Bondgenoten spraken over de bescherming van de NAVO-netwerken tegen cyberaanvallen. |
            2017- | Cyber is sinds de top van Warschau erkend als operationeel domein. |
        """,
        "np": """
            * | een sterkere cyberdefensie van het bondgenootschap |
            2016- | de inzet van nationale cybercapaciteiten voor NAVO-operaties |
        """,
        "claim": """
            * | een cyberaanval onder omstandigheden een beroep op artikel 5 kan rechtvaardigen |
        """,
        "worry": """
            * | het toenemende aantal cyberaanvallen op vitale infrastructuur |
        """,
        "obj": "",
        "prop": """
            2016- | om een gezamenlijk cybercentrum voor NAVO-operaties op te richten |
        """,
        "subj": """
            * | samenwerking op het gebied van cyber |
        """,
    },
    "common_funding": {
        "head": """
            * | Gemeenschappelijke financiering |
            2021- | NAVO-budgetten |
        """,
        "ctx": """
            * | Bondgenoten spraken over de gemeenschappelijk gefinancierde budgetten van de NAVO. |
            2021- | Voor de uitvoering van de NATO 2030-agenda is meer gemeenschappelijke financiering nodig. |
            * | De gemeenschappelijk gefinancierde budgetten beslaan slechts circa <<PCT:0.2:0.4>> van de totale defensie-uitgaven van bondgenoten. | defence_spending
        """,
        "np": """
            * | budgettaire discipline bij de gemeenschappelijke budgetten van de NAVO |
            2021- | voldoende gemeenschappelijk budget voor de uitvoering van de NATO 2030-agenda |
        """,
        "claim": """
            * | een groei van de gemeenschappelijke budgetten gepaard moet gaan met heldere prioriteiten |
        """,
        "worry": """
            * | de snelle groei van de gemeenschappelijke budgetten |
        """,
        "obj": """
            * | een verdere verhoging van de gemeenschappelijke budgetten zonder heldere prioriteiten |
        """,
        "prop": """
            * | om de gemeenschappelijke budgetten jaarlijks te toetsen aan de prioriteiten van het bondgenootschap |
        """,
        "subj": """
            * | de gemeenschappelijke budgetten |
        """,
    },
    "climate_security": {
        "head": """
            * | Klimaat en veiligheid |
        """,
        "ctx": """
            * | Bondgenoten spraken over de gevolgen van klimaatverandering voor de veiligheid. |
            2021- | Het NAVO-actieplan voor klimaat en veiligheid werd besproken. |
        """,
        "np": """
            * | het verduurzamen van de krijgsmacht |
            * | aandacht voor klimaatverandering als veiligheidsrisico |
        """,
        "claim": """
            * | klimaatverandering een vermenigvuldiger van dreigingen is |
        """,
        "worry": """
            * | de gevolgen van klimaatverandering voor militaire operaties |
        """,
        "obj": "",
        "prop": """
            2021- | om de CO2-uitstoot van de NAVO-activiteiten in kaart te brengen |
        """,
        "subj": """
            * | klimaat en veiligheid |
        """,
    },
    "partnerships": {
        "head": """
            * | Partnerschappen |
            2003-2013 | Partnerschap voor Vrede |
        """,
        "ctx": """
            2003-2013 | Bondgenoten spraken over het Partnerschap voor Vrede en de Mediterrane Dialoog. |
            2004-2013 | Het Istanbul Cooperation Initiative werd verder uitgewerkt. |
            2014- | Bondgenoten spraken over de samenwerking met partnerlanden. |
        """,
        "np": """
            * | het versterken van de partnerschappen van de NAVO |
            2014- | capaciteitsopbouw bij partnerlanden in het zuiden |
        """,
        "claim": """
            * | partnerschappen een wezenlijke bijdrage leveren aan de veiligheid van het bondgenootschap |
        """,
        "worry": "",
        "obj": "",
        "prop": """
            * | om partnerlanden nauwer te betrekken bij de oefeningen van de NAVO |
        """,
        "subj": """
            * | de samenwerking met partnerlanden |
        """,
    },
}

# What only the Netherlands itself can say: its own facts (noun phrases, "bracht … onder de
# aandacht") and its own claims ("gaf aan dat …"). Allies may welcome a Dutch fact, no more.
_DUTCH: dict[str, dict[str, str]] = {
    "ukraine": {
        "fact": """
            2022- | de Nederlandse bijdrage van <<EUR:1e8:3e9>> aan Oekraïne voor <<Y+1>> |
            2014-2021 | de Nederlandse bijdrage van <<EUR:1e6:2e7>> aan de trustfondsen voor Oekraïne |
            2023- | de Nederlandse steun aan de F-16-coalitie voor Oekraïne |
        """,
        "nlclaim": """
            2022- | Nederland in <<YN+1>> <<EUR:5e8:3.5e9>> beschikbaar stelt voor militaire steun aan Oekraïne |
            2014-2021 | Nederland de hervormingen in Oekraïne blijft ondersteunen |
        """,
    },
    "defence_spending": {
        "fact": """
            2022- | de Nederlandse investeringen van <<EUR:1e9:5e9>> in nieuwe capaciteiten in <<Y+1>> |
            2014-2021 | de extra investeringen van <<EUR:1e8:1.5e9>> in de Nederlandse krijgsmacht |
        """,
        "nlclaim": """
            2003-2013 | het kabinet streeft naar stabiele defensie-uitgaven, maar een stijging naar <<PCTF:2>> van het bbp op dit moment niet haalbaar acht |
            2003-2013 | Nederland de bezuinigingen op defensie zo veel mogelijk wil beperken |
            2014-2021 | de Nederlandse defensie-uitgaven stijgen naar <<PCT:1.15:1.55>> van het bbp in <<Y+1>> |
            2014-2021 | het kabinet de afspraken van Wales serieus neemt en stappen zet richting de <<PCTC:2>>-norm |
            2022-2024 | Nederland de <<PCTC:2>>-norm vanaf <<YA:2024>> structureel zal halen |
            2022- | Nederland <<PCT:2.0:2.2>> van het bbp aan defensie besteedt in <<Y+0>> |
            2022- | de Nederlandse defensiebegroting in <<YN+1>> met <<EUR:5e8:4e9>> stijgt |
        """,
    },
    "defence_industry": {
        "fact": """
            2022- | de Nederlandse investering van <<EUR:1e8:1e9>> in de productie van munitie |
        """,
        "nlclaim": """
            2022- | Nederland samen met Duitsland en Noorwegen munitie inkoopt om de productie te versnellen |
        """,
    },
    "afghanistan": {
        "fact": """
            2003-2014 | de Nederlandse bijdrage van <<EUR:2e7:3e8>> aan het trustfonds voor het Afghaanse leger in <<Y+0>> |
            2006-2010 | de Nederlandse inzet in Uruzgan |
        """,
        "nlclaim": """
            2006-2010 | Nederland zijn taak in Uruzgan naar behoren vervult |
            2011-2013 | de Nederlandse politietrainingsmissie in Kunduz goed van start is gegaan |
        """,
    },
    "western_balkans": {
        "fact": """
            2009- | de Nederlandse militaire bijdrage aan EUFOR Althea | eu_nato
        """,
        "nlclaim": """
            2009- | de Nederlandse bijdrage aan EUFOR Althea een teken van betrokkenheid bij de regio is | eu_nato
        """,
    },
    "common_funding": {
        "fact": """
            * | het Nederlandse aandeel van <<EUR:3e7:2e8>> in de gemeenschappelijke budgetten van de NAVO |
        """,
        "nlclaim": """
            2021- | het Nederlandse aandeel in de gemeenschappelijke budgetten in <<YN+1>> uitkomt op <<EUR:8e7:2e8>> |
        """,
    },
    "cyber": {
        "fact": """
            2016- | de Nederlandse bijdrage van <<EUR:1e6:2e7>> aan het cyberfonds van de NAVO |
        """,
        "nlclaim": "",
    },
}

KINDS = ("head", "ctx", "np", "claim", "worry", "obj", "prop", "subj", "fact", "nlclaim")


def _years(spec: str) -> tuple[int, int]:
    spec = spec.strip()
    if spec == "*":
        return 0, 9999
    if "-" not in spec:
        return int(spec), int(spec)
    a, b = spec.split("-")
    return int(a), int(b) if b else 9999


def _parse(topic: str, block: str) -> list[Item]:
    items = []
    for line in block.strip().splitlines():
        if not line.strip():
            continue
        years, text, extra = (part.strip() for part in line.split("|"))
        y0, y1 = _years(years)
        topics = tuple(sorted({topic, *extra.split()}))
        items.append(Item(y0, y1, text, topics))
    return items


BANK: dict[str, dict[str, list[Item]]] = {
    topic: {kind: _parse(topic, {**kinds, **_DUTCH.get(topic, {})}.get(kind, "")) for kind in KINDS}
    for topic, kinds in _RAW.items()
}


def items(topic: str, kind: str, year: int) -> list[Item]:
    """The phrases of one kind for a topic that fit a year."""
    return [i for i in BANK[topic][kind] if i.y0 <= year <= i.y1]


# Opening context of a report, by era (not tied to a section).
INTRO_CONTEXT: tuple[Item, ...] = tuple(
    _parse(
        "",
        """
        2003-2005 | De bijeenkomst stond in het teken van de transformatie van het bondgenootschap. |
        2006-2010 | De situatie in Afghanistan domineerde de agenda. | afghanistan
        2011-2013 | De bijeenkomst stond in het teken van de afbouw van de missie in Afghanistan. | afghanistan
        2014-2021 | De bijeenkomst vond plaats tegen de achtergrond van de verslechterde veiligheidssituatie aan de oostgrens van het bondgenootschap. |
        2014-2021 | Het Russische optreden in Oekraïne bepaalde ook deze keer de toon van de bijeenkomst. | russia ukraine
        2022- | De bijeenkomst vond plaats in de context van de voortdurende Russische agressie tegen Oekraïne. | russia ukraine
        2022- | Ook deze bijeenkomst stond in het teken van de Russische oorlog tegen Oekraïne. | russia ukraine
        2020-2021 | Vanwege de COVID-19-pandemie werd de agenda beperkt tot de meest urgente onderwerpen. |
        """,
    )
)


def intro_context(year: int) -> list[Item]:
    """Opening sentences that fit a year; their topics exclude the empty placeholder."""
    return [
        Item(i.y0, i.y1, i.text, tuple(t for t in i.topics if t))
        for i in INTRO_CONTEXT
        if i.y0 <= year <= i.y1
    ]
