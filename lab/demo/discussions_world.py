"""Demo discussions drawn from the articles: what the demo accounts say to each other.

Each topic: ``title`` (how a second run knows it), ``author`` (e-mail of a demo account),
``city`` (slug, or None for the whole Lab), ``theme`` (slug or None), ``body`` and ``replies``.
Each comment: ``key`` (its submission key, so a second run adds nothing), ``author``, ``body`` and
``parent`` (the key of the comment it answers, or None). ``{mention:EMAIL}`` in a body becomes the
mention syntax ``@[Display Name](user:ID)`` of that demo account when loaded.
"""

from __future__ import annotations

from typing import Any

STUDENT = "student@lab.example"
ARTIST = "artist@lab.example"
COORDINATOR = "coordinator@lab.example"
PAVIA_DELEGATE = "delegate.pavia@lab.example"
PERM_DELEGATE = "delegate.perm@lab.example"

TOPICS: list[dict[str, Any]] = [
    {
        "title": "After Pavia (4–7 April 2022): what do young people want from heritage reuse?",
        "author": STUDENT,
        "city": None,
        "theme": "youth-and-education",
        "body": "At the CultCities twinning event in Pavia, from 4 to 7 April 2022, the "
        "delegations of the eight towns visited Pavia's heritage and exchanged practices, and "
        "the open discussion asked young stakeholders — culture experts, young artists, "
        "students — what they think of conservation policy.\n\n"
        "I was one of the students there. What we kept coming back to:\n\n"
        "- **Spaces we can actually use**: rooms to study, rehearse and exhibit in the evening, "
        "not only visits during office hours.\n"
        "- **A say in the plans** before the architects' drawings are final.\n"
        "- **Cheap, short-term uses** of empty buildings while the big projects wait for money.\n\n"
        "What would you add, and what have your towns tried since?",
        "replies": [
            {
                "key": "demo-pavia-event-artist",
                "author": ARTIST,
                "parent": None,
                "body": "From Perm: young artists need walls more than anything. A former "
                "warehouse or convent where we can hang a show for a month is worth more to us "
                "than a new gallery we cannot afford to rent. I would add **open calls** run "
                "together with young people, so the same names do not get every space.",
            },
            {
                "key": "demo-pavia-event-delegate",
                "author": PAVIA_DELEGATE,
                "parent": None,
                "body": "Thank you for writing this up. In Pavia we are trying exactly the "
                "first and third points with the former convent near the historic centre: "
                "students help run the programme, and the rooms open in the evening. The "
                "practice is in the Lab if you want to compare notes.",
            },
            {
                "key": "demo-pavia-event-coordinator",
                "author": COORDINATOR,
                "parent": "demo-pavia-event-delegate",
                "body": "{mention:student@lab.example}, would you collect these points into a "
                "short list for the next meeting of the delegates? A say in the plans before "
                "they are final is something every town in the Friendship Agreement can "
                "commit to.",
            },
            {
                "key": "demo-pavia-event-student",
                "author": STUDENT,
                "parent": "demo-pavia-event-coordinator",
                "body": "Yes, gladly — I will draft it here first so everyone can comment.",
            },
        ],
    },
    {
        "title": "How should small towns finance the reuse of former convents?",
        "author": PAVIA_DELEGATE,
        "city": None,
        "theme": "financing-models",
        "body": "Many of our towns own a former convent or monastery that stands empty: too large "
        "for one use, protected, and expensive to bring up to standard. A small town cannot "
        "pay for it from its own budget.\n\n"
        "Which mix has worked for you — European funds, a foundation, a long lease to a "
        "cooperative that restores in exchange for rent, crowdfunding for one wing at a time? "
        "And how did you keep the building open to the public once the money came from "
        "several sides?",
        "replies": [
            {
                "key": "demo-convents-finance-coimbra",
                "author": "delegate.coimbra@lab.example",
                "parent": None,
                "body": "We split it in phases: the roof and one cloister first, paid with "
                "regional funds, then a cultural association took a 25-year lease on the "
                "ground floor and pays a low rent in exchange for running it. Phasing made it "
                "possible to open something after two years instead of ten.",
            },
            {
                "key": "demo-convents-finance-turku",
                "author": "delegate.turku@lab.example",
                "parent": None,
                "body": "Does anyone know a good hotel near the station in Pavia? I am looking "
                "for somewhere cheap for next spring, and my phone contract also needs "
                "changing if anyone has a tip.",
            },
            {
                "key": "demo-convents-finance-hildesheim",
                "author": "delegate.hildesheim@lab.example",
                "parent": "demo-convents-finance-coimbra",
                "body": "The lease model interests us. Who carries the risk of the structural "
                "works in your case — the town or the association?",
            },
        ],
    },
    {
        "title": "Qingdao and Perm schools: planning the children's art exhibition",
        "author": ARTIST,
        "city": "perm",
        "theme": "youth-and-education",
        "body": "In February, Perm schoolchildren sent a parcel of Chinese New Year gifts to their "
        "peers in Qingdao. The gifts were much appreciated, and Qingdao asked for another "
        "**30 paintings by young Perm artists** so that they can organise a full-scale joint "
        "exhibition of children's art.\n\n"
        "Let's plan it here: which schools and art studios take part, the themes, how the "
        "paintings travel, and when the exhibition could open in Qingdao (and later in Perm).",
        "replies": [
            {
                "key": "demo-qingdao-exhibition-perm",
                "author": PERM_DELEGATE,
                "parent": None,
                "body": "The city can pay for the shipping and the insurance of the 30 "
                "paintings. Could the art studios choose the works by the end of the school "
                "term? We will ask Qingdao for a list of their schools taking part so that "
                "the exhibition in Perm can follow.",
            },
        ],
    },
]

# Comments on a demo practice: (title, city slug) of the practice and its comments.
PRACTICE_COMMENTS: list[dict[str, Any]] = [
    {
        "practice": ("A former convent becomes a cultural centre run with students", "pavia"),
        "comments": [
            {
                "key": "demo-pavia-convent-student",
                "author": STUDENT,
                "parent": None,
                "body": "The evening opening hours made all the difference for us: it is the "
                "only place in the centre where we can rehearse after lectures.",
            },
            {
                "key": "demo-pavia-convent-artist",
                "author": ARTIST,
                "parent": None,
                "body": "How do you choose the young artists who exhibit? We would like to try "
                "an open call like this in Perm.",
            },
        ],
    },
]

# The off-topic comment above, reported by two demo accounts so that the coordinators' review
# queue has an item (fewer reporters than hide an item automatically).
FLAGGED = {
    "comment": "demo-convents-finance-turku",
    "reason": "off_topic",
    "reporters": [
        (PAVIA_DELEGATE, "This is about travel, not about financing convents."),
        ("delegate.coimbra@lab.example", ""),
    ],
}
