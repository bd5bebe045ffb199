"""Random sequences of ingestion and steward operations keep the golden-record invariants."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from mdm import ingest, sources, stewardship
from mdm.errors import ConflictError
from mdm.extensions import db
from mdm.models import GoldenRecord, NotAMatchPair, SourceRecord, Xref
from tests.conftest import clean_tables
from tests.factories import make_customer

ACTOR = "steward:property"
# Three people; their records share e-mails and phones, so ingestion links some of them.
PEOPLE = [
    {"first_name": "Юлия", "last_name": "Иванова", "email": "yulia.ivanova@example.ru",
     "phone": "+7 912 345-67-89"},
    {"first_name": "Yuliya", "last_name": "Ivanova", "email": "yulia.ivanova@example.ru",
     "phone": "+7 912 345-67-00"},
    {"first_name": "Пётр", "last_name": "Сидоров", "email": "p.sidorov@example.ru",
     "phone": "+7 912 345-67-00"},
]

# Which of the current golden records or source records a rule acts on (modulo their count):
# drawn independently of the stored state, whose ids are random.
PICK = st.integers(0, 7)


def comparable(row: GoldenRecord) -> tuple:
    return (row.status, row.attributes, row.lineage, sorted(row.member_ids), row.pins)


class GoldenMachine(RuleBasedStateMachine):
    def __init__(self, app):
        super().__init__()
        self.app, self.context = app, app.app_context()
        self.context.push()
        self.session = db.session
        self.channels = {name: sources.add_source(self.session, name)
                         for name in ("web_shop", "pos_store")}
        self.session.commit()
        self.now = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
        self.seen_versions: dict = {}

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now

    def live_goldens(self) -> list[GoldenRecord]:
        self.session.expire_all()
        # Ordered by what the steps decide (ids are random), so examples replay exactly.
        goldens = self.session.scalars(select(GoldenRecord).where(
            GoldenRecord.status == "active"))
        keys = {str(record_id): (source_id, key) for record_id, source_id, key in
                self.session.execute(select(SourceRecord.id, SourceRecord.source_id,
                                            SourceRecord.source_key))}
        # Two golden records made in one step share created_at: break the tie by their
        # members' source keys, never by the random ids.
        return sorted(goldens, key=lambda g: (g.created_at, sorted(
            keys.get(str(m), (0, "")) for m in g.member_ids)))

    def records(self) -> list:
        return list(self.session.scalars(select(SourceRecord.id).order_by(
            SourceRecord.source_id, SourceRecord.source_key)))

    @rule(source=st.sampled_from(["web_shop", "pos_store"]), key=st.integers(0, 3),
          person=st.integers(0, 2), city=st.sampled_from(["Москва", "Казань"]))
    def push(self, source, key, person, city):
        record = make_customer(source_key=f"{source}-{key}", address={"city": city},
                               updated_at=None, **PEOPLE[person])
        ingest.ingest_records(self.session, self.channels[source], "customer", [record],
                              now=self.tick())
        self.session.commit()

    @precondition(lambda self: len(self.live_goldens()) >= 2)
    @rule(first=PICK, second=PICK, undo=st.booleans())
    def merge_then_maybe_unmerge(self, first, second, undo):
        goldens = self.live_goldens()
        a = goldens[first % len(goldens)]
        b = [g for g in goldens if g.id != a.id][second % (len(goldens) - 1)]
        before = {g.id: comparable(g) for g in (a, b)}
        try:
            survivor = stewardship.merge_golden(self.session, a.id, b.id, actor=ACTOR,
                                                now=self.tick())
        except ConflictError:  # a not-a-match pair between them: refused, nothing stored
            self.session.rollback()
            return
        self.session.commit()
        if undo:
            absorbed = b if survivor == a.id else a
            stewardship.unmerge_records(self.session, survivor, before[absorbed.id][3],
                                        actor=ACTOR, now=self.tick())
            self.session.commit()
            self.session.expire_all()
            after = {g: comparable(self.session.get(GoldenRecord, g)) for g in before}
            assert after == before

    @precondition(lambda self: any(len(g.member_ids) > 1 for g in self.live_goldens()))
    @rule(which=PICK, member=PICK)
    def unmerge(self, which, member):
        shared = [g for g in self.live_goldens() if len(g.member_ids) > 1]
        golden = shared[which % len(shared)]
        leaving = [r for r in self.records() if str(r) in golden.member_ids][
            member % len(golden.member_ids)]
        stewardship.unmerge_records(self.session, golden.id, [leaving], actor=ACTOR,
                                    now=self.tick())
        self.session.commit()

    @precondition(lambda self: len(self.records()) >= 2)
    @rule(first=PICK, second=PICK)
    def not_a_match(self, first, second):
        records = self.records()
        left = records[first % len(records)]
        right = [r for r in records if r != left][second % (len(records) - 1)]
        stewardship.mark_not_a_match(self.session, left, right, actor=ACTOR, now=self.tick())
        self.session.commit()

    @precondition(lambda self: bool(self.live_goldens()))
    @rule(which=PICK, name=st.sampled_from(["Юлия-Мария", "Julia"]))
    def pin(self, which, name):
        goldens = self.live_goldens()
        golden = goldens[which % len(goldens)]
        stewardship.pin_attribute(self.session, golden.id, "first_name", name, actor=ACTOR,
                                  expected_version=golden.version, now=self.tick())
        self.session.commit()

    @invariant()
    def every_record_belongs_to_exactly_one_live_golden_record(self):
        xref = dict(self.session.execute(select(Xref.source_record_id, Xref.golden_id)).all())
        assert set(xref) == set(self.records())
        live = {g.id: g for g in self.live_goldens()}
        assert set(xref.values()) == set(live)
        for golden_id, golden in live.items():
            assert set(golden.member_ids) == {str(r) for r, g in xref.items() if g == golden_id}

    @invariant()
    def no_not_a_match_pair_shares_a_golden_record(self):
        xref = dict(self.session.execute(select(Xref.source_record_id, Xref.golden_id)).all())
        for left, right in self.session.execute(select(NotAMatchPair.left_record_id,
                                                       NotAMatchPair.right_record_id)):
            assert xref[left] != xref[right]

    @invariant()
    def every_absorbed_id_resolves_and_versions_only_grow(self):
        for golden in self.session.scalars(select(GoldenRecord)):
            assert golden.version >= self.seen_versions.get(golden.id, 0)
            self.seen_versions[golden.id] = golden.version
            live = stewardship.resolve_golden_id(self.session, golden.id)
            assert self.session.get(GoldenRecord, live).status == "active"

    @invariant()
    def pins_win_after_every_recomputation(self):
        for golden in self.live_goldens():
            for pin in golden.pins:
                assert golden.attributes[pin["attribute"]] == pin["value"]

    def teardown(self):
        self.session.remove()
        clean_tables(db.engine)
        self.context.pop()


def test_golden_record_invariants_hold_over_random_operations(app):
    # Fewer examples than the pure core's tests: each step is a few real transactions.
    run_state_machine_as_test(lambda: GoldenMachine(app), settings=settings(
        max_examples=60, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
