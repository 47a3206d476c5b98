"""Demo data: organisations and people. Apps add their own demo data through DEMO_SEEDERS."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization, OrganizationKind, User
from accounts.roles import Role

DEMO_PASSWORD = "backstop-demo-2025"

# Fictional firms: real firms' names must not be shown with invented registers.
DEMO_ORGS = [
    ("fss", "Financial Supervisory Service (demo)", "금융감독원 (데모)", OrganizationKind.REGULATOR, "100-00-00001"),
    ("hanbit", "Hanbit Bank", "한빛은행", OrganizationKind.BANK, "201-81-10001"),
    ("saebyeol", "Saebyeol Securities", "새별증권", OrganizationKind.SECURITIES, "202-81-10002"),
    ("dalbit", "Dalbit Exchange", "달빛거래소", OrganizationKind.VASP, "203-81-10003"),
    ("pado", "Pado Exchange", "파도거래소", OrganizationKind.VASP, "204-81-10004"),
    ("nuri", "Nuri Pay", "누리페이", OrganizationKind.FINTECH, "205-81-10005"),
    ("haneul", "Haneul Life Insurance", "하늘생명", OrganizationKind.INSURANCE, "206-81-10006"),
]
FIRM_USERS = [("admin", Role.FIRM_ADMIN), ("officer", Role.OFFICER), ("viewer", Role.VIEWER)]
REGULATOR_USERS = [("supervisor", Role.SUPERVISOR), ("lead", Role.LEAD_SUPERVISOR)]

# Modules with a seed(world) function, run in this order after the organisations exist.
DEMO_SEEDERS = ["vendors.demo", "compliance.demo", "reports.demo", "review.demo", "market.demo", "outages.demo"]


@dataclass(frozen=True)
class DemoLogin:
    """A line of seed_demo's printout; names and roles are read in the language active when printed."""

    email: str
    role: str | Promise
    orgs: tuple[Organization, ...] = ()
    where: str = ""  # instead of an organisation (the operator's /admin/)

    @property
    def place(self) -> str:
        return " + ".join(org.display_name for org in self.orgs) or self.where


@dataclass
class DemoWorld:
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    return user


def seed_people() -> DemoWorld:
    world = DemoWorld()
    for slug, name, name_ko, kind, brn in DEMO_ORGS:
        org, _ = Organization.objects.get_or_create(
            business_registration_number=brn, defaults={"name": name, "name_ko": name_ko, "kind": kind}
        )
        world.orgs[slug] = org
        for local, role in REGULATOR_USERS if kind == OrganizationKind.REGULATOR else FIRM_USERS:
            email = f"{local}@{slug}.demo"
            user = _user(email, f"{name_ko} {Role(role).label}")
            Membership.objects.get_or_create(organization=org, user=user, defaults={"role": role})
            world.users[f"{slug}:{local}"] = user
            world.logins.append(DemoLogin(email, Role(role).label, (org,)))
    # An outside auditor who belongs to two firms shows the organisation switch.
    auditor = _user("auditor@group.demo", "그룹 감사 Auditor")
    for slug in ("dalbit", "nuri"):
        Membership.objects.get_or_create(organization=world.orgs[slug], user=auditor, defaults={"role": Role.VIEWER})
    world.logins.append(DemoLogin("auditor@group.demo", gettext_lazy("Viewer (two firms)"),
                                  (world.orgs["dalbit"], world.orgs["nuri"])))
    if not User.objects.filter(email="root@backstop.demo").exists():
        User.objects.create_superuser(email="root@backstop.demo", password=DEMO_PASSWORD, full_name="Platform operator")
    world.logins.append(DemoLogin("root@backstop.demo", gettext_lazy("Platform operator"), where="/admin/"))
    return world


def seed_all() -> DemoWorld:
    world = seed_people()
    for module_name in DEMO_SEEDERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.seed(world)
    return world
