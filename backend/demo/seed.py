"""Invented demo data: one client, six sites, a user for every role.

Nothing here comes from the client documents: names are made up, there are no phone numbers.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.demo import load_demo_assets
from backend.auth.passwords import PasswordVerifier
from backend.inspections.demo import load_demo_inspections
from backend.sites.models import Client, Contract, Site, SiteAssignment
from backend.users.models import Role, User
from backend.work_orders.demo import load_demo_work_orders

DEMO_PASSWORD = "weibao-demo"

SITES = [
    # key, name, short name, kind, area, address, lat, lon
    (
        "det",
        "示例市第一看守所",
        "一看",
        "detention",
        "suburban",
        "示例市北郊环路 88 号",
        30.712,
        104.021,
    ),
    ("cus", "示例市拘留所", "拘留所", "custody", "urban", "示例市和平路 12 号", 30.668, 104.071),
    (
        "cor",
        "示例市社区矫正中心",
        "矫正中心",
        "correction",
        "urban",
        "示例市文化街 5 号",
        30.655,
        104.082,
    ),
    (
        "x1",
        "人民路与建设路交叉口",
        "人民-建设",
        "intersection",
        "urban",
        "人民路/建设路",
        30.661,
        104.063,
    ),
    (
        "x2",
        "滨江路与长桥路交叉口",
        "滨江-长桥",
        "intersection",
        "urban",
        "滨江路/长桥路",
        30.649,
        104.09,
    ),
    (
        "x3",
        "机场高速收费站卡口",
        "机场卡口",
        "intersection",
        "suburban",
        "机场高速 K12",
        30.59,
        103.96,
    ),
]

USERS = [
    # username, display name, role, locale, assigned site keys
    ("admin", "系统管理员", Role.admin, "zh-CN", []),
    ("dispatcher", "服务台调度", Role.dispatcher, "zh-CN", ["det", "cus", "cor", "x1", "x2", "x3"]),
    ("tech1", "驻场工程师 A", Role.technician, "zh-CN", ["det", "cus", "cor"]),
    ("tech2", "Field engineer B", Role.technician, "en", ["cor", "x1", "x2", "x3"]),
    ("client", "甲方代表（看守所）", Role.client_rep, "zh-CN", ["det"]),
]


async def is_empty(db: AsyncSession) -> bool:
    return (await db.scalar(select(func.count()).select_from(User))) == 0


async def load_demo(db: AsyncSession, passwords: PasswordVerifier) -> None:
    client = Client(name="示例市公安局（演示）")
    contract = Contract(
        code="WB-DEMO-2026",
        name="安防及弱电系统运维服务（演示合同）",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        sla_policy=None,
    )
    db.add(client)
    await db.flush()
    contract.client_id = client.id
    db.add(contract)
    await db.flush()
    sites = {}
    for key, name, short, kind, area, address, lat, lon in SITES:
        sites[key] = Site(
            contract_id=contract.id,
            name=name,
            short_name=short,
            kind=kind,
            area=area,
            address=address,
            latitude=lat,
            longitude=lon,
        )
    db.add_all(sites.values())
    password_hash = await passwords.hash(DEMO_PASSWORD)
    for username, display, role, locale, site_keys in USERS:
        user = User(
            username=username,
            display_name=display,
            role=role,
            locale=locale,
            password_hash=password_hash,
        )
        db.add(user)
        await db.flush()
        db.add_all(SiteAssignment(site_id=sites[k].id, user_id=user.id) for k in site_keys)
    await db.flush()
    await load_demo_assets(db, list(sites.values()))
    await load_demo_inspections(db, list(sites.values()))
    await load_demo_work_orders(db, list(sites.values()))


def logins_text() -> str:
    lines = [f"  {u:<11} {r.value:<11} password: {DEMO_PASSWORD}" for u, _, r, _, _ in USERS]
    return "Demo logins:\n" + "\n".join(lines)
