"""Three real nodes (BJ, GD, HQ) over a private NATS JetStream server.

Tickets are filed and updated through the service layer against each province's
own database while its node process relays the outbox. The NATS server is
stopped and restarted, a province node is killed with SIGKILL mid-publish and
restarted; then headquarters must hold exactly what the provinces hold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from telcare.bus import outbox
from telcare.bus.cluster import NatsServer, NodeProcess
from telcare.demo.seed import seed_demo
from telcare.domain.access import Kind, Principal
from telcare.domain.complaints import Category
from telcare.services import complaints as svc
from telcare.store import complaint_models as cm
from telcare.store.migrate import upgrade
from telcare.store.outbox import OutboxEvent
from telcare.store.uow import Database

pytestmark = pytest.mark.slow

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
AGENTS = {
    "BJ": Principal(Kind.STAFF, "bj-agent", "BJ"),
    "GD": Principal(Kind.STAFF, "gd-agent", "GD"),
}
CALLERS = {"BJ": "13800138000", "GD": "13900139000"}
CATEGORIES = ["NET.COV.INDOOR", "BIL.DISPUTE.DATA", "VAS.UNCONFIRMED.SP", "NET.DATA.SLOW"]


def wait_for(what: str, check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Cluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.nats = NatsServer(root / "jetstream")
        self.dbs: dict[str, Database] = {}
        self.nodes: dict[str, NodeProcess] = {}

    def start(self) -> None:
        self.nats.start()
        for code in ("BJ", "GD", "HQ"):
            url = f"sqlite:///{self.root / f'{code}.db'}"
            db = Database(url)
            upgrade(url, db.engine)
            if code != "HQ":
                seed_demo(db, subscribers=0)
            svc.ensure_taxonomy(db)
            self.dbs[code] = db
            batch = (
                10 if code == "BJ" else 500
            )  # BJ publishes in small batches: easy to hit mid-way
            self.nodes[code] = NodeProcess(
                code, url, self.nats.url, self.root / f"{code}.log", batch
            )
            self.nodes[code].start()

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()
        self.nats.stop()
        for db in self.dbs.values():
            db.dispose()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in self.root.glob("*.log")
        )


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(tmp_path)
    try:
        c.start()
        yield c
    finally:
        c.stop()


def work(db: Database, province: str, n: int, start: int = 0) -> list[str]:
    """File ``n`` tickets and move/annotate some of them."""
    agent, ids = AGENTS[province], []
    for i in range(start, start + n):
        t = svc.file_ticket(
            db, agent, node=province, msisdn=CALLERS[province],
            category=CATEGORIES[i % len(CATEGORIES)], summary=f"{province} 投诉 {i}",
        )  # fmt: skip
        ids.append(t.id)
        if i % 2 == 0:
            svc.transition(db, agent, t.id, "acknowledge", node=province)
        if i % 3 == 0:
            svc.add_note(db, agent, t.id, f"回访记录 {i}", node=province)
        if i % 5 == 0:
            svc.transition(db, agent, t.id, "start", node=province)
            svc.transition(db, agent, t.id, "resolve", node=province)
    return ids


def national_view(c: Cluster) -> tuple[dict[str, Any], dict[str, Any]]:
    provinces = [svc.snapshot(c.dbs[p]) for p in ("BJ", "GD")]
    merged: dict[str, Any] = {"tickets": {}, "audit": {}, "notes": [], "attachments": []}
    for snap in provinces:
        merged["tickets"].update(snap["tickets"])
        merged["audit"].update(snap["audit"])
        merged["notes"] += snap["notes"]
        merged["attachments"] += snap["attachments"]
    merged["notes"].sort()
    merged["attachments"].sort()
    return merged, svc.snapshot(c.dbs["HQ"])


def ticket_events(db: Database) -> int:
    with db.uow() as uow:
        return (
            uow.session.scalar(
                select(func.count()).where(OutboxEvent.subject.like("telcare.tickets.%"))
            )
            or 0
        )


def test_three_nodes_survive_bus_outage_and_sigkill(cluster: Cluster) -> None:
    c = cluster
    bj, gd, hq = c.dbs["BJ"], c.dbs["GD"], c.dbs["HQ"]
    try:
        # 1. normal running
        work(bj, "BJ", 20)
        gd_ids = work(gd, "GD", 20)
        wait_for("first tickets at HQ", lambda: len(svc.snapshot(hq)["tickets"]) == 40)

        # 2. the bus goes away while both provinces keep working, then comes back
        c.nats.stop()
        work(bj, "BJ", 15, start=20)
        work(gd, "GD", 15, start=20)
        time.sleep(1.0)
        assert outbox.backlog(bj) > 0 and outbox.backlog(gd) > 0  # held in the outbox
        c.nats.start()

        # 3. kill -9 the BJ node while it is publishing a backlog, then restart it
        wait_for("BJ drained after the outage", lambda: outbox.backlog(bj) == 0)
        c.nodes["BJ"].stop()
        work(bj, "BJ", 120, start=35)
        backlog = outbox.backlog(bj)
        c.nodes["BJ"].start()
        wait_for("BJ mid-publish", lambda: 0 < outbox.backlog(bj) < backlog, timeout=15)
        c.nodes["BJ"].kill()
        assert outbox.backlog(bj) > 0
        work(bj, "BJ", 5, start=155)
        c.nodes["BJ"].start()

        # 4. HQ sends a GD ticket back, and publishes a new taxonomy version
        svc.send_back(hq, HQ_ADMIN, gd_ids[0], unit="广东网优中心", note="请复测")
        nodes = [
            *svc.taxonomy(hq).categories,
            Category("NET.COV.METRO", "地铁", "Metro", "NET.COV"),
        ]
        svc.publish_taxonomy(hq, HQ_ADMIN, nodes)
        wait_for("taxonomy v2 in BJ", lambda: svc.taxonomy(bj).version == 2)
        wait_for("taxonomy v2 in GD", lambda: svc.taxonomy(gd).version == 2)
        svc.file_ticket(bj, AGENTS["BJ"], node="BJ", msisdn=CALLERS["BJ"],
                        category="NET.COV.METRO", summary="地铁里没信号")  # fmt: skip

        def sent_back() -> bool:
            return svc.get_ticket(gd, AGENTS["GD"], gd_ids[0]).assigned_unit == "广东网优中心"

        wait_for("send-back applied in GD", sent_back)

        # 5. HQ converges on exactly what the provinces hold
        def converged() -> bool:
            provinces, national = national_view(c)
            return provinces == national

        wait_for("HQ equal to the provinces", converged, timeout=30)
        _, national = national_view(c)
        assert len(national["tickets"]) == 20 + 20 + 15 + 15 + 120 + 5 + 1
        assert national["tickets"][gd_ids[0]]["assigned_unit"] == "广东网优中心"
        # nothing doubled: every province event applied once, every audit row once
        sent = ticket_events(bj) + ticket_events(gd)
        with hq.uow() as uow:
            applied = uow.session.scalar(
                select(func.count()).where(cm.AppliedEvent.type.like("ticket.%"))
            )
            audits = uow.session.scalar(select(func.count()).select_from(cm.TicketAudit))
        assert applied == sent == audits
        assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in national["audit"].values())
    except BaseException:
        print(c.logs())
        raise
