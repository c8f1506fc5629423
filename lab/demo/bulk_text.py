"""The seeded text of ``flask demo bulk``: small word pools in six languages, sentences and
paragraphs built from them, each paragraph rendered to HTML and folded for the index once.

Practice sections, topics, comments and descriptions are made of paragraphs from these pools, so
Markdown is rendered a few thousand times instead of hundreds of thousands: the HTML of paragraphs
joined by blank lines is the HTML of each paragraph, joined (tests check it on samples).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from lab.core.markdown import render_markdown
from lab.search.text import index_words

LANGUAGES = ("en", "it", "fr", "de", "es", "ru")


def words(text: str) -> list[str]:
    """The words of a pool, written as one string."""
    return text.split()


# A word present in many practices (bodies and tags), and one planted in exactly one practice:
# the benchmark searches for both. No pool below contains the rare word.
COMMON_WORD = "heritage"
RARE_WORD = "zanzibarite"

# Per language: nouns, adjectives, verbs, small words (articles, prepositions).
WORDS: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "en": (
        words(
            "heritage building convent factory square park museum school library community city "
            "council workshop festival archive garden market theatre station warehouse courtyard "
            "volunteers residents students artists budget plan partnership cooperative project "
            "neighbourhood tourism craft memory landscape river bridge tower chapel mill barracks "
            "exhibition network programme experience evaluation maintenance funding visitors "
            "association foundation restoration heritage heritage heritage"
        ),
        words(
            "historic abandoned public local shared creative cultural old restored municipal young "
            "sustainable open temporary industrial medieval lively circular participatory small "
            "regional new successful difficult careful slow"
        ),
        words(
            "restored opened transformed hosts brings connects supports attracts reuses shares "
            "involves finances manages protects celebrates revives welcomes teaches documents "
            "needed reached changed planned"
        ),
        words("the the the a of of in with for and and to by from through after"),
    ),
    "it": (
        words(
            "patrimonio convento fabbrica piazza parco museo scuola biblioteca comunità città "
            "comune laboratorio festival archivio giardino mercato teatro stazione magazzino "
            "cortile volontari residenti studenti artisti bilancio progetto cooperativa quartiere "
            "turismo artigianato memoria paesaggio fiume ponte torre cappella mulino caserma "
            "mostra rete programma valutazione manutenzione finanziamento visitatori associazione "
            "fondazione restauro"
        ),
        words(
            "storico abbandonato pubblico locale condiviso creativo culturale antico restaurato "
            "municipale giovane sostenibile aperto temporaneo industriale medievale vivace "
            "circolare partecipativo piccolo regionale nuovo"
        ),
        words(
            "restaura apre trasforma ospita porta collega sostiene attira riusa condivide coinvolge "
            "finanzia gestisce protegge celebra accoglie insegna documenta"
        ),
        words("il la lo un una di del della in con per e tra dopo sulla"),
    ),
    "fr": (
        words(
            "patrimoine couvent usine place parc musée école bibliothèque communauté ville mairie "
            "atelier festival archives jardin marché théâtre gare entrepôt cour bénévoles "
            "habitants étudiants artistes budget projet coopérative quartier tourisme artisanat "
            "mémoire paysage rivière pont tour chapelle moulin caserne exposition réseau "
            "programme évaluation entretien financement visiteurs association fondation"
        ),
        words(
            "historique abandonné public local partagé créatif culturel ancien restauré municipal "
            "jeune durable ouvert temporaire industriel médiéval vivant circulaire participatif "
            "petit régional nouveau"
        ),
        words(
            "restaure ouvre transforme accueille relie soutient attire réutilise partage implique "
            "finance gère protège célèbre enseigne documente"
        ),
        words("le la les un une de du des dans avec pour et par après à"),
    ),
    "de": (
        words(
            "Erbe Kloster Fabrik Platz Park Museum Schule Bibliothek Gemeinschaft Stadt Rathaus "
            "Werkstatt Festival Archiv Garten Markt Theater Bahnhof Lagerhalle Hof Freiwillige "
            "Bewohner Studierende Künstler Haushalt Projekt Genossenschaft Viertel Tourismus "
            "Handwerk Erinnerung Landschaft Fluss Brücke Turm Kapelle Mühle Kaserne Ausstellung "
            "Netzwerk Programm Bewertung Pflege Förderung Besucher Verein Stiftung"
        ),
        words(
            "historische verlassene öffentliche lokale gemeinsame kreative kulturelle alte "
            "restaurierte städtische junge nachhaltige offene vorübergehende industrielle "
            "mittelalterliche lebendige kleine regionale neue"
        ),
        words(
            "restauriert öffnet verwandelt beherbergt verbindet unterstützt zieht nutzt teilt "
            "beteiligt finanziert verwaltet schützt feiert belebt lehrt dokumentiert"
        ),
        words("der die das ein eine von mit für und im nach durch über zur"),
    ),
    "es": (
        words(
            "patrimonio convento fábrica plaza parque museo escuela biblioteca comunidad ciudad "
            "ayuntamiento taller festival archivo jardín mercado teatro estación almacén patio "
            "voluntarios vecinos estudiantes artistas presupuesto proyecto cooperativa barrio "
            "turismo artesanía memoria paisaje río puente torre capilla molino cuartel exposición "
            "red programa evaluación mantenimiento financiación visitantes asociación "
            "fundación"
        ),
        words(
            "histórico abandonado público local compartido creativo cultural antiguo restaurado "
            "municipal joven sostenible abierto temporal industrial medieval vivo circular "
            "participativo pequeño regional nuevo"
        ),
        words(
            "restaura abre transforma acoge une apoya atrae reutiliza comparte implica financia "
            "gestiona protege celebra enseña documenta"
        ),
        words("el la los las un una de del en con para y tras por"),
    ),
    "ru": (
        words(
            "наследие монастырь фабрика площадь парк музей школа библиотека сообщество город "
            "администрация мастерская фестиваль архив сад рынок театр вокзал склад двор "
            "волонтёры жители студенты художники бюджет проект кооператив квартал туризм ремесло "
            "память ландшафт река мост башня часовня мельница казарма выставка сеть программа "
            "оценка содержание финансирование посетители ассоциация фонд"
        ),
        words(
            "исторический заброшенный общественный местный общий творческий культурный старый "
            "отреставрированный муниципальный молодой устойчивый открытый временный "
            "промышленный средневековый живой небольшой региональный новый"
        ),
        words(
            "восстанавливает открывает превращает принимает соединяет поддерживает привлекает "
            "использует объединяет финансирует охраняет празднует обучает"
        ),
        words("и в с для по из после на через о"),
    ),
}

FIRST_NAMES = {
    "en": words("Alice Ben Chloe Daniel Emma George Hannah Jack Lily Oliver Ruby Sam"),
    "it": words("Alessandro Chiara Davide Elena Francesca Giulia Luca Marco Sara Matteo"),
    "fr": words("Amélie Bastien Camille Élodie Hugo Inès Julien Léa Manon Théo"),
    "de": words("Anna Felix Jonas Jürgen Katrin Lena Lukas Marie Paul Sophie"),
    "es": words("Álvaro Carmen Diego Elena Javier Lucía María Pablo Sofía Tomás"),
    "ru": words("Анна Дмитрий Екатерина Иван Мария Никита Ольга Павел Светлана Юрий"),
}
LAST_NAMES = {
    "en": words("Brown Clarke Evans Green Hughes Patel Smith Taylor Walker Wright"),
    "it": words("Bianchi Colombo Esposito Ferrari Galli Greco Ricci Romano Rossi Russo"),
    "fr": words("Bernard Dubois Durand Fournier Laurent Lefèvre Martin Moreau Petit Roux"),
    "de": words("Becker Fischer Hoffmann Koch Müller Richter Schäfer Schmidt Wagner Weber"),
    "es": words("Díaz Fernández García González López Martín Pérez Ruiz Sánchez Torres"),
    "ru": words("Волков Иванов Козлов Морозов Новиков Петров Попов Смирнов Соколов Фёдоров"),
}

# Syllables for invented city names, by language.
CITY_SYLLABLES = {
    "en": (words("Ash Brad Carl Dun Elm Hart Kings Lang Mar Nor Stan Wel"),
           words("ford ton bury field wick ham ley mouth")),
    "it": (words("Ab Bel Cal Fio Gor Lav Mon Par Ros San Ter Vol"),
           words("aro ena ino olo ucca eto ara iano")),
    "fr": (words("Bel Cham Dom Font Gran Lav Mont Pont Rou Sain Ver Vil"),
           words("ville court mont lieu bourg ac ay ons")),
    "de": (words("Alt Bad Eich Frei Hag Lin Mar Neu Ros Stein Wal Wein"),
           words("burg dorf feld hausen heim stadt berg au")),
    "es": (words("Al Ben Cal Val Mon Pal Sal San Tor Vil Zar Gua"),
           words("ada illa ona ejo ares una era ena")),
    "ru": (words("Бел Вол Зелен Крас Лес Нов Озер Сосн Стар Тих Яр Бор"),
           words("ск огорск ово ино ецк оград")),
}  # fmt: skip
COUNTRIES = {
    "en": ("GB", "Europe/London", (50.5, 55.0), (-4.0, 1.0)),
    "it": ("IT", "Europe/Rome", (38.5, 46.0), (8.0, 16.0)),
    "fr": ("FR", "Europe/Paris", (43.5, 50.0), (-1.0, 7.0)),
    "de": ("DE", "Europe/Berlin", (48.0, 54.0), (7.0, 14.0)),
    "es": ("ES", "Europe/Madrid", (37.0, 43.0), (-8.0, 2.0)),
    "ru": ("RU", "Europe/Moscow", (54.0, 60.0), (30.0, 58.0)),
}


@dataclass(frozen=True)
class Piece:
    """A piece of Markdown with its sanitised HTML and its folded index words."""

    source: str
    html: str
    words: str


def join(pieces: list[Piece]) -> Piece:
    """Pieces as one text: paragraphs separated by a blank line (the HTML and words follow)."""
    return Piece(
        "\n\n".join(p.source for p in pieces),
        "".join(p.html for p in pieces),
        " ".join(p.words for p in pieces if p.words),
    )


class TextPool:
    """Seeded sentences and paragraphs in every language, rendered once each."""

    def __init__(self, rng: random.Random, paragraphs: int = 120, comments: int = 250) -> None:
        self.rng = rng
        self.paragraphs = {
            language: [self.piece(self._paragraph(language)) for _ in range(paragraphs)]
            for language in LANGUAGES
        }
        self.comments = {
            language: [self.piece(self._comment(language)) for _ in range(comments)]
            for language in LANGUAGES
        }
        self.lines = {
            language: [self.piece(self.sentence(language)) for _ in range(comments)]
            for language in LANGUAGES
        }

    @staticmethod
    def piece(source: str) -> Piece:
        """A text with its HTML and index words (rendered now)."""
        return Piece(source, render_markdown(source), index_words(source))

    def sentence(self, language: str, low: int = 7, high: int = 16) -> str:
        """A sentence of words of the language (grammar is not the point, length and words are)."""
        nouns, adjectives, verbs, small = WORDS[language]
        rng = self.rng
        words: list[str] = []
        for _ in range(rng.randint(low, high) // 4 + 1):
            words += [rng.choice(small), rng.choice(adjectives), rng.choice(nouns)]
            words.append(rng.choice(verbs))
        words.append(rng.choice(nouns))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def title(self, language: str) -> str:
        """A short title: an adjective and two nouns."""
        nouns, adjectives, _verbs, small = WORDS[language]
        rng = self.rng
        text = (
            f"{rng.choice(adjectives)} {rng.choice(nouns)} {rng.choice(small)} {rng.choice(nouns)}"
        )
        return text[0].upper() + text[1:]

    def _paragraph(self, language: str) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.12:  # a short list
            return "\n".join(f"- {self.sentence(language, 3, 7)}" for _ in range(rng.randint(2, 4)))
        sentences = [self.sentence(language) for _ in range(rng.randint(2, 5))]
        if shape < 0.35:
            nouns = WORDS[language][0]
            sentences[0] = f"**{rng.choice(nouns).capitalize()}**: {sentences[0]}"
        return " ".join(sentences)

    def _comment(self, language: str) -> str:
        rng = self.rng
        text = " ".join(self.sentence(language, 4, 12) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            text += "\n\n" + self.sentence(language)
        return text

    def text(self, language: str, low: int, high: int) -> Piece:
        """Some paragraphs of a language (at most one list, always last, so blocks never merge)."""
        rng = self.rng
        chosen: list[Piece] = []
        for _ in range(rng.randint(low, high)):
            piece = rng.choice(self.paragraphs[language])
            if piece.source.startswith("- ") and chosen and chosen[-1].source.startswith("- "):
                continue
            chosen.append(piece)
        lists = [p for p in chosen if p.source.startswith("- ")]
        chosen = [p for p in chosen if not p.source.startswith("- ")] + lists[:1]
        return join(chosen)

    def comment(self, language: str) -> Piece:
        """A comment's body."""
        return self.rng.choice(self.comments[language])

    def line(self, language: str) -> Piece:
        """One sentence (task descriptions, adoption updates)."""
        return self.rng.choice(self.lines[language])

    def person(self, language: str) -> str:
        """A first and last name of the language."""
        return f"{self.rng.choice(FIRST_NAMES[language])} {self.rng.choice(LAST_NAMES[language])}"

    def city_name(self, language: str) -> str:
        """An invented town name of the language."""
        starts, ends = CITY_SYLLABLES[language]
        return self.rng.choice(starts) + self.rng.choice(ends)
