"""The demo workspaces: joint initiatives drawn from the source articles.

- Perm–Qingdao children's art exhibition (public): Qingdao asked Perm for 30 paintings by young
  Perm artists for a full-scale joint exhibition ("Friendship was born", 2018).
- Sicily Russian Week with Agrigento and Perm (public): the yearly festival of the twin cities.
- Culture and Heritage Living Lab coordination (members only): the eight CultCities towns that
  signed the Friendship Agreement in Pavia (4–7 April 2022).

The articles report these initiatives, not how they were organised: every task, date and
document here is illustrative, and each workspace's purpose says so. Due dates are counted from
the day the demo is loaded, so that the boards look alive (one task is overdue on purpose).

Everything is written through the workspace services (activity feed, search index, follows),
by the demo accounts. A workspace is known by its title: a second run adds nothing, and one that
someone deleted is not made again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from sqlalchemy import select

from lab.auth.models import User
from lab.cities.models import City
from lab.core.types import utcnow
from lab.demo.practices_world import PRACTICES
from lab.extensions import db
from lab.practices.models import Practice
from lab.workspaces import document_services, services, task_services
from lab.workspaces.models import Workspace

ILLUSTRATIVE_NOTE = (
    "*The tasks, dates and documents in this workspace are illustrative: the article reports "
    "the initiative, not how it was organised.*"
)

# Accounts the workspaces need beyond those of ``world.ACCOUNTS`` (loaded and listed with them).
QINGDAO_DELEGATE = "delegate.qingdao@lab.example"
ACCOUNTS: list[dict[str, str | None]] = [
    {"email": QINGDAO_DELEGATE, "name": "Wang Lei", "role": "delegate", "city": "qingdao",
     "kind": None},
]  # fmt: skip

PERM_DELEGATE = "delegate.perm@lab.example"
PERM_ARTIST = "artist@lab.example"
AGRIGENTO_DELEGATE = "delegate.agrigento@lab.example"
COORDINATOR = "coordinator@lab.example"
PAVIA_STUDENT = "student@lab.example"
CULTCITIES = ["pavia", "grand-poitiers", "coimbra", "iasi", "besancon", "hildesheim",
              "salamanca", "turku"]  # fmt: skip

EXHIBITION = "Perm–Qingdao children's art exhibition"
FESTIVAL = "Sicily Russian Week: the next edition with Perm"
LIVING_LAB = "Culture and Heritage Living Lab: coordination"


@dataclass(frozen=True)
class TaskPlan:
    """A task: title, owning city (slug), assignee (e-mail), due in days from loading, status."""

    title: str
    city: str
    assignee: str | None
    due_in_days: int | None
    status: str = "todo"
    milestone: bool = False
    description: str = ""
    by: str | None = None  # who writes it (the assignee, or the lead, by default)


@dataclass(frozen=True)
class WorkspacePlan:
    title: str
    purpose: str
    visibility: str
    lead: str
    cities: list[str]
    members: list[str]
    starts_on: date | None
    ends_in_days: int | None
    milestone: tuple[str, int, str] | None  # title, due in days, description
    tasks: list[TaskPlan]
    practices: list[str]  # titles of demo practices to link


WORKSPACES: list[WorkspacePlan] = [
    WorkspacePlan(
        title=EXHIBITION,
        purpose=(
            "In February, Perm schoolchildren sent a parcel of Chinese New Year gifts to their "
            "peers in Qingdao. The gifts were much appreciated, and Qingdao asked Perm to send "
            "**another 30 paintings by young Perm artists** so that it could organise a "
            'full-scale joint exhibition of children\'s art (source: "Friendship was born", an '
            "article for World Twin Cities Day 2018). Perm and Qingdao are twin cities since "
            "2003.\n\nThis workspace plans the exhibition: choosing and shipping the paintings "
            "in Perm, the venue and the opening in Qingdao.\n\n" + ILLUSTRATIVE_NOTE
        ),
        visibility="public",
        lead=PERM_DELEGATE,
        cities=["perm", "qingdao"],
        members=[PERM_ARTIST, QINGDAO_DELEGATE],
        starts_on=None,  # a month before loading
        ends_in_days=120,
        milestone=(
            "The 30 paintings arrive in Qingdao",
            45,
            "The paintings are chosen, photographed, shipped and through customs.",
        ),
        tasks=[
            TaskPlan(
                "Select 30 paintings by young Perm artists",
                "perm",
                PERM_ARTIST,
                -10,
                "done",
                milestone=True,
                description="Ask the art schools for works on the theme of friendship; "
                "choose 30 with the teachers.",
            ),
            TaskPlan(
                "Photograph the paintings and write the captions",
                "perm",
                PERM_ARTIST,
                14,
                "doing",
                description="A caption per painting in Russian, Chinese and English: "
                "title, the young artist's first name and age, school.",
            ),
            TaskPlan(
                "Pack and ship the paintings to Qingdao", "perm", PERM_DELEGATE, 30, milestone=True
            ),
            TaskPlan(
                "Confirm the exhibition venue in Qingdao",
                "qingdao",
                QINGDAO_DELEGATE,
                -3,
                "doing",
                description="A hall open to families, with walls for 30 framed works and "
                "the Qingdao children's paintings.",
            ),
            TaskPlan(
                "Clear the paintings through customs",
                "qingdao",
                QINGDAO_DELEGATE,
                40,
                milestone=True,
            ),
            TaskPlan(
                "Invite the Qingdao schools and families to the opening",
                "qingdao",
                None,
                75,
                by=QINGDAO_DELEGATE,
            ),
        ],
        practices=[],
    ),
    WorkspacePlan(
        title=FESTIVAL,
        purpose=(
            "Agrigento and Perm, twin cities since 2012, hold a festival called **Sicily Russian "
            'Week** (La Settimana Russa) every year. "We immediately realised that there could '
            "be a friendship between our cities,\" says Christian Vassalo, Agrigento's cultural "
            "events organiser: in June 2013 a delegation of Italian artists arrived in Perm, and "
            "more than 80 musicians gave a five-hour concert; in October 2018 businessmen from "
            "Agrigento came to Perm to seek partners among the companies of the Kama region "
            '(source: "Friendship was born", 2018).\n\nThis workspace prepares the next '
            "edition of the festival.\n\n" + ILLUSTRATIVE_NOTE
        ),
        visibility="public",
        lead=AGRIGENTO_DELEGATE,
        cities=["agrigento", "perm"],
        members=[PERM_DELEGATE],
        starts_on=None,
        ends_in_days=180,
        milestone=(
            "The festival programme is published",
            60,
            "Venues, dates and the artists of both cities.",
        ),
        tasks=[
            TaskPlan(
                "Book the concert venues in Agrigento",
                "agrigento",
                AGRIGENTO_DELEGATE,
                20,
                "doing",
                milestone=True,
            ),
            TaskPlan(
                "Draft the festival programme with Perm's artists",
                "agrigento",
                AGRIGENTO_DELEGATE,
                45,
                milestone=True,
            ),
            TaskPlan(
                "Choose the Perm musicians and artists who travel",
                "perm",
                PERM_DELEGATE,
                30,
                milestone=True,
            ),
            TaskPlan(
                "Prepare an exhibition of Perm artists for Agrigento", "perm", PERM_DELEGATE, 50
            ),
        ],
        practices=["Sicily Russian Week (La Settimana Russa)"],
    ),
    WorkspacePlan(
        title=LIVING_LAB,
        purpose=(
            "The eight CultCities towns (Pavia, Grand Poitiers, Coimbra, Iași, Besançon, "
            "Hildesheim, Salamanca and Turku) signed a Friendship Agreement at the Pavia "
            "twinning event (4–7 April 2022) for the creation of the **Culture and Heritage "
            "Living Lab**: a permanent cooperation mechanism between the cities, practice-driven, "
            "where open and user innovation in heritage conservation and reuse can be "
            "studied and tried out, and where young stakeholders take part.\n\nThis members-only "
            "workspace is where the towns' delegates coordinate the Lab.\n\n"
            "*The tasks and dates in this workspace are illustrative.*"
        ),
        visibility="members",
        lead=COORDINATOR,
        cities=CULTCITIES,
        members=[f"delegate.{slug}@lab.example" for slug in CULTCITIES] + [PAVIA_STUDENT],
        starts_on=date(2022, 4, 7),
        ends_in_days=None,
        milestone=(
            "Every town has shared a heritage-reuse practice",
            -5,
            "One practice per town, published in the Lab for the others to learn from.",
        ),
        tasks=[
            *[
                TaskPlan(
                    f"Share a heritage-reuse practice of {name} in the Lab",
                    slug,
                    f"delegate.{slug}@lab.example",
                    -10,
                    "done",
                    milestone=True,
                )
                for slug, name in [
                    ("pavia", "Pavia"),
                    ("grand-poitiers", "Grand Poitiers"),
                    ("coimbra", "Coimbra"),
                    ("iasi", "Iași"),
                    ("besancon", "Besançon"),
                    ("hildesheim", "Hildesheim"),
                    ("salamanca", "Salamanca"),
                    ("turku", "Turku"),
                ]
            ],
            TaskPlan(
                "Propose dates and a host town for the Lab's yearly meeting",
                "coimbra",
                "delegate.coimbra@lab.example",
                30,
                "doing",
            ),
            TaskPlan(
                "Invite students, young artists and culture experts of each town",
                "pavia",
                PAVIA_STUDENT,
                60,
                description="The project asks for young stakeholders as culture experts, "
                "young artists and students in the discussion of conservation policy.",
            ),
        ],
        # The towns' own (illustrative) practices, shared in the Lab.
        practices=[p["title"] for p in PRACTICES if p["city"] in CULTCITIES],
    ),
]


def _pdf_text(text: str) -> str:
    """A PDF string literal's content (Helvetica, WinAnsi: other characters become ?)."""
    text = text.replace("–", "-").replace("’", "'")
    text = text.encode("cp1252", errors="replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text (a real, valid file, made without tools)."""
    commands = ["BT", "/F1 16 Tf", "72 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        commands += ["0 -18 Td", f"({_pdf_text(line)}) Tj"]
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


EXHIBITION_PLAN = (
    "Exhibition plan (draft)",
    [
        "Perm-Qingdao joint exhibition of children's art",
        "Illustrative document of the Heritage Living Lab demo.",
        "",
        "1. Perm: 30 paintings by young Perm artists, chosen with the art schools.",
        "2. Perm: photographs and captions in Russian, Chinese and English.",
        "3. Perm: packing and shipping to Qingdao.",
        "4. Qingdao: venue, customs, invitations to schools and families.",
        "5. Opening: the Perm paintings beside the Qingdao children's works.",
    ],
)


def _users(emails: set[str]) -> dict[str, User]:
    return {
        user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }


def _build(plan: WorkspacePlan, by_slug: dict[str, City], people: dict[str, User]) -> Workspace:
    today = utcnow().date()
    lead = people[plan.lead]
    workspace = services.create_workspace(
        lead,
        services.WorkspaceInput(
            title=plan.title,
            purpose=plan.purpose,
            starts_on=plan.starts_on or today - timedelta(days=30),
            ends_on=today + timedelta(days=plan.ends_in_days) if plan.ends_in_days else None,
            visibility=plan.visibility,
            city_ids=[by_slug[slug].id for slug in plan.cities],
        ),
    )
    services.change_status(lead, workspace, "active")
    for email in plan.members:
        if email in people:
            services.add_member(lead, workspace, email, "member")
    for title in plan.practices:
        practice = db.session.scalar(select(Practice).where(Practice.title == title))
        if practice is not None:
            services.link_practice(lead, workspace, practice.id)
    milestone_id = None
    if plan.milestone is not None:
        title, due_in, description = plan.milestone
        milestone = task_services.create_milestone(
            lead,
            workspace,
            task_services.MilestoneInput(
                title=title, due_on=today + timedelta(days=due_in), description=description
            ),
        )
        milestone_id = milestone.id
    for task in plan.tasks:
        assignee = people.get(task.assignee) if task.assignee else None
        author = people.get(task.by or "") or assignee or lead
        if task.assignee and assignee is None:
            continue  # a demo account was renamed: leave its task out
        done_by_moving = task.status == "done" and author is not lead
        created = task_services.create_task(
            author,
            workspace,
            task_services.TaskInput(
                title=task.title,
                city_id=by_slug[task.city].id,
                description=task.description,
                assignee_id=assignee.id if assignee else None,
                due_on=today + timedelta(days=task.due_in_days)
                if task.due_in_days is not None
                else None,
                status="todo" if done_by_moving else task.status,
                milestone_id=milestone_id if task.milestone else None,
            ),
        )
        if done_by_moving:  # the feed shows it moved to done, and the milestone's progress
            task_services.move_task(author, workspace, created, "done", None, created.version)
    return workspace


def _upload_plan(workspace: Workspace, author: User) -> None:
    title, lines = EXHIBITION_PLAN
    document_services.upload_document(
        author,
        workspace,
        document_services.Upload(BytesIO(simple_pdf(title, lines)), "exhibition-plan.pdf"),
        "Exhibition plan",
        "Draft plan: the works, the timetable and who does what (illustrative).",
    )


def load_workspaces(by_slug: dict[str, City], added: dict[str, int]) -> dict[str, Workspace]:
    """The demo workspaces that are missing, through the workspace services; returns every demo
    workspace present (by title), for the events to link."""
    added["workspaces"] = 0
    titles = [plan.title for plan in WORKSPACES]
    existing = {
        workspace.title: workspace
        for workspace in db.session.scalars(
            select(Workspace)
            .where(Workspace.title.in_(titles))
            .execution_options(include_deleted=True, include_hidden=True)
        )
    }
    emails = {plan.lead for plan in WORKSPACES}
    for plan in WORKSPACES:
        emails |= set(plan.members) | {t.assignee for t in plan.tasks if t.assignee}
    people = _users(emails)
    for plan in WORKSPACES:
        if plan.title in existing or plan.lead not in people:
            continue
        workspace = _build(plan, by_slug, people)
        if plan.title == EXHIBITION:
            _upload_plan(workspace, people[plan.lead])
        existing[plan.title] = workspace
        added["workspaces"] += 1
    return {title: ws for title, ws in existing.items() if ws.deleted_at is None}


def workspace_members(title: str) -> list[str]:
    """The e-mail addresses of a demo workspace's members, lead first (for tests and the README)."""
    plan = next(plan for plan in WORKSPACES if plan.title == title)
    return [plan.lead, *plan.members]
