"""The simulated Sơn La 2024 campaign that `make run` loads into an empty database.

Every person, answer and score here is simulated (seeded, so every run gives the same data);
the campaign title says so wherever it is shown.
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from ...config import ROOT
from ...extensions import db
from ...models import Campaign, Invitation, InvitationStatus, User
from ...models.campaign import SIMULATED_MARK
from ...timeutil import now
from ..progress import Progress, Ticker, in_phase
from ..users import create_user
from . import campaigns, invitations, mixing, responding, roster

PACK = ROOT / "questionnaires" / "son-la-2024"
TITLE = f"{SIMULATED_MARK} Điều tra xã hội học xác định Chỉ số CCHC năm 2024 – tỉnh Sơn La"  # data, shown as is
ADMIN_EMAIL = "admin@mo-phong.example"
ADMIN_PASSWORD = "mo-phong-2024"  # noqa: S105 (the simulated demo only; printed by `make run`)
# Respondents per unit by group, in the proportions of a typical Sơn La survey (simulated).
GROUP_SHARE = {"SO-LD": 4, "SO-LDP": 10, "SO-CC": 26, "H-HDND": 12, "H-TTUB": 4, "H-PB": 22, "H-XA": 26}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò", "Cầm", "Quàng", "Lường", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Hữu", "Thanh"]
PREFIXES = ["091", "094", "096", "097", "098", "090", "093", "088", "086", "032", "033", "035", "038"]
GIVEN = [
    "An",
    "Bình",
    "Chiến",
    "Dũng",
    "Hà",
    "Hạnh",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Uyên",
    "Việt",
    "Xuân",
    "Yến",
]


@dataclass(frozen=True)
class DemoResult:
    """What `flask demo` did: `loaded` (this run created it), or `refused` (other campaigns exist)."""

    loaded: bool
    refused: bool
    admin_email: str = ADMIN_EMAIL
    admin_password: str = ADMIN_PASSWORD
    links: tuple[str, ...] = ()


def load_demo(
    respondents: int = 1574, answered: float = 0.6, seed: int = 2024, progress: Progress | None = None
) -> DemoResult:
    """Create the demo campaign when the database has none; say how to use it either way. `progress`
    phases: the roster import's, invitations.issue, demo.answers (one per simulated person)."""
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == "2024"))
    if campaign is None and db.session.scalar(sa.select(sa.func.count(Campaign.id))):
        return DemoResult(loaded=False, refused=True)
    loaded = campaign is None
    if campaign is None:
        campaign = _create(respondents, answered, random.Random(seed), progress)
    if not db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL)):
        create_user(ADMIN_EMAIL, ADMIN_PASSWORD)
    waiting = db.session.scalars(
        sa.select(Invitation)
        .where(
            Invitation.campaign_id == campaign.id,
            Invitation.revoked_at.is_(None),
            Invitation.status != InvitationStatus.SUBMITTED,
        )
        .order_by(Invitation.id)
        .limit(3)
    ).all()
    return DemoResult(loaded, False, links=tuple(invitations.link_for(i) for i in waiting))


def _create(n: int, answered: float, rng: random.Random, progress: Progress | None) -> Campaign:
    start = now()
    campaign = campaigns.create_campaign(
        PACK,
        "2024",
        start - timedelta(days=7),
        start + timedelta(days=21),
        title=TITLE,
    )
    campaigns.open_campaign(campaign.code)
    pack = campaign.pack
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "respondents.csv"
        _write_roster(path, campaign, n, rng)
        roster.import_respondents(campaign, path, progress=progress)
    invitations.issue_invitations(campaign, progress=in_phase(progress, "invitations.issue"))
    quality = {u.code: rng.uniform(0.7, 0.95) for u in pack.units}
    issued = db.session.scalars(sa.select(Invitation).where(Invitation.campaign_id == campaign.id)).all()
    ticker = Ticker(progress, len(issued), "demo.answers")
    for inv in issued:
        ticker.step()
        roll = rng.random()
        if roll > answered + 0.15:
            continue
        token = invitations.derive_token(campaign.id, inv.nonce)
        q = responding.open_questionnaire(token)
        answers = {s.unit.code: {qq.code: _option(rng, quality[s.unit.code]) for qq in s.questions} for s in q.sections}
        if roll < answered:
            responding.submit(token, answers)
        else:  # started, half done
            half = {u: dict(list(a.items())[: len(a) // 2]) for u, a in answers.items()}
            responding.save_answers(token, half)
    ticker.finish()
    mixing.mix(campaign)  # as the worker would: every cell with k new responses is released
    return campaign


def _write_roster(path: Path, campaign: Campaign, n: int, rng: random.Random) -> None:
    pack = campaign.pack
    cells = [(u, g) for u in pack.units for g in pack.groups if g.unit_type == u.unit_type]
    total_share = sum(GROUP_SHARE.get(g.code, 10) for _, g in cells)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "group_code", "full_name", "position", "email", "phone"])
        i = 0
        for idx, (unit, group) in enumerate(cells):
            count = round(n * GROUP_SHARE.get(group.code, 10) / total_share) if idx < len(cells) - 1 else n - i
            for _ in range(count):
                i += 1
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                w.writerow(
                    [
                        unit.code,
                        group.code,
                        name,
                        group.name,
                        f"can-bo-{i:05d}@mo-phong.example",
                        f"{rng.choice(PREFIXES)}{i:07d}",
                    ]
                )


def _option(rng: random.Random, quality: float) -> str:
    """A = Tốt … D = Kém, X = Không đánh giá; better units get more A and B."""
    r = rng.random()
    if r < 0.03:
        return "X"
    r = rng.random()
    return "A" if r < quality * 0.75 else "B" if r < quality * 1.02 else "C" if r < 0.985 else "D"
