"""The matcher's side of the store: match views, blocking keys and candidates, scored pairs.

Each matched record's view is stored (`mdm.match_views`) beside its blocking keys in
`match_keys`; candidates are found by index lookups on those keys and read back as stored.
Pairs are compared one by one when there are few and vectorised (`matching.batch`) when there
are many, then classified together (`matching.classify.explain_codes`): both read the same
model, so they decide alike.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import (
    Boolean,
    String,
    Text,
    Uuid,
    bindparam,
    case,
    delete,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from golden_records.cluster import Link
from matching.batch import build_table, compare_rows
from matching.block import blocking_keys, key_kind
from matching.classify import (
    OUTCOMES,
    MatchResult,
    classify_codes,
    codes_of_levels,
    explain_codes,
    score,
)
from matching.compare import COMPARISONS, compare_customers, compare_products, levels_of_pairs
from matching.model import MatchModel, default_model, model_from_dict
from matching.standardise import standardise_customer, standardise_product
from mdm import match_views
from mdm.models import (
    GoldenRecord,
    MatchKey,
    MatchModelVersion,
    MatchView,
    Source,
    SourceRecord,
    Xref,
)
from mdm.store import execute
from mdm.store.in_lists import padded, padded_chunks
from mdm.store.insert_batch import InsertBatch, Read, or_immediate

# Below this many pairs the numpy set-up costs more than scoring pair by pair.
BATCH_MIN_PAIRS = 64
LOOKUP_CHUNK = 500
View = Any  # CustomerView | ProductView


# entity type → (active version, its model): parsed once per process, not once per request.
_loaded_models: dict[str, tuple[str, MatchModel]] = {}


@lru_cache(maxsize=4)
def shipped_model(entity_type: str) -> MatchModel:
    """The model shipped with the package for `entity_type`."""
    return default_model(entity_type)


_models = MatchModelVersion.__table__
_ACTIVE_VERSION = select(_models.c.version).where(
    _models.c.entity_type == bindparam("entity_type"), _models.c.is_active.is_(True))


def current_model(session: Session, entity_type: str) -> MatchModel:
    """The active stored model of `entity_type`, or the shipped one when none is active.

    Each call costs one indexed lookup of the active version; the JSON is parsed again only
    when that version changed (`mdm train --activate` in another process, say).
    """
    active = session.execute(_ACTIVE_VERSION, {"entity_type": entity_type}).scalar()
    return model_of_active(session, entity_type, active)


def model_of_active(session: Session, entity_type: str, active: str | None) -> MatchModel:
    """`current_model` when the active version (None: none stored) was read already."""
    if active is None:
        return shipped_model(entity_type)
    cached = _loaded_models.get(entity_type)
    if cached is None or cached[0] != active:
        stored = session.execute(select(_models.c.model).where(
            _models.c.entity_type == entity_type, _models.c.version == active)).scalar_one()
        cached = _loaded_models[entity_type] = (active, model_from_dict(stored))
    return cached[1]


def standardise(entity_type: str, record_id: uuid.UUID, source: str,
                payload: Mapping[str, Any]) -> View:
    """The match view of a stored payload (junk: the standardisers' built-in dummies)."""
    if entity_type == "customer":
        return standardise_customer(payload, record_id=str(record_id), source=source)
    return standardise_product(payload, record_id=str(record_id), source=source)


def keys_of(views: Mapping[uuid.UUID, View]) -> dict[uuid.UUID, frozenset[str]]:
    """Blocking keys per record, cut to the column width of `match_keys`."""
    return {record_id: stored_keys(view) for record_id, view in views.items()}


def stored_keys(view: View) -> frozenset[str]:
    """A view's blocking keys, cut to the column width of `match_keys`."""
    return frozenset(key[:255] for key in blocking_keys(view))


@dataclass(frozen=True)
class Standardised:
    """A record's match view and blocking keys, made before the record had its id in the store."""

    record_id: uuid.UUID
    view: View
    keys: frozenset[str]

    def for_record(self, record_id: uuid.UUID) -> Standardised:
        """The same under the record's id in the store (an update keeps its stored id)."""
        if record_id == self.record_id:
            return self
        return Standardised(record_id, dataclasses.replace(self.view, record_id=str(record_id)),
                            self.keys)


def standardise_new(entity_type: str, source: str, payload: Mapping[str, Any]) -> Standardised:
    """`standardise` a payload not stored yet, under a fresh record id (pure: no session)."""
    record_id = uuid.uuid4()
    view = standardise(entity_type, record_id, source, payload)
    return Standardised(record_id, view, stored_keys(view))


def replace_match_keys(session: Session, entity_type: str,
                       keys: Mapping[uuid.UUID, frozenset[str]],
                       *, new: Collection[uuid.UUID] = (), batch: InsertBatch | None = None
                       ) -> None:
    """Store each record's blocking keys in place of its previous ones (`new` records have none).

    The old keys are deleted at once; the new ones go through `batch`, if given.
    """
    table = MatchKey.__table__
    ids = [record_id for record_id in keys if record_id not in new]
    for part in padded_chunks(ids, LOOKUP_CHUNK):
        session.execute(delete(table).where(table.c.source_record_id.in_(part)))
    rows = [{"entity_type": entity_type, "key": key, "source_record_id": record_id}
            for record_id, record_keys in keys.items() for key in record_keys]
    or_immediate(batch).add(session, table, rows)


@dataclass(frozen=True)
class Candidates:
    """Per record, the records sharing a key with it and which keys; what the store knows of them.

    `views` holds the stored (current-shape) views and `golden_ids` the golden records of the
    records found; a record missing from `views` (and not among the caller's `known_views`)
    must be standardised from its payload.
    """

    shared: dict[uuid.UUID, dict[uuid.UUID, set[str]]]
    views: dict[uuid.UUID, View]
    golden_ids: dict[uuid.UUID, uuid.UUID]
    # Folded (PostgreSQL, a small push): every member of the golden records of `golden_ids`,
    # read in the same statement, as (golden id, record id, golden created_at, whether the
    # record is in a not-a-match pair); None when not read.
    members: tuple[tuple[uuid.UUID, uuid.UUID, Any, bool], ...] | None = None


def find_candidates(session: Session, entity_type: str,
                    keys: Mapping[uuid.UUID, frozenset[str]], model: MatchModel,
                    *, known_views: Collection[uuid.UUID] = (),
                    batch: InsertBatch | None = None) -> Candidates:
    """Records sharing a blocking key with each of `keys`' records, their views and golden ids.

    One query per 500 keys: keys, views and xref in one round trip. A key held by more records
    than `model` allows for its kind is skipped, as the batch path skips it
    (`matching.block.drop_crowded_keys`): a pick-up point's address or a common name in a big
    city would otherwise pair more strangers the bigger the store.

    `batch` may hold the rows of `keys`' records (their keys among them): it is flushed first,
    or, folded, in the lookup's own statement.
    """
    all_keys = sorted({key for record_keys in keys.values() for key in record_keys})
    # Folded, the lookup cannot see the records' own keys: it counts them from `own`, and
    # the records join the blocks found usable here.
    folded = batch is not None and batch.folded and 0 < len(all_keys) <= LOOKUP_CHUNK
    if batch is not None and not folded:
        batch.flush(session)
    own = Counter(key for record_keys in keys.values() for key in record_keys) if folded \
        else Counter()
    holders: dict[str, list[uuid.UUID]] = {}
    views: dict[uuid.UUID, View] = {}
    golden_ids: dict[uuid.UUID, uuid.UUID] = {}
    members = [] if folded else None
    ids = _Ids()
    for start in range(0, len(all_keys), LOOKUP_CHUNK):
        part = all_keys[start:start + LOOKUP_CHUNK]
        rows = _candidate_rows(session, entity_type, part, model, [own[key] for key in part],
                               batch if folded else None)
        for key, record_text, view, golden_text, *member in rows:
            record_id, golden_id = ids(record_text), ids(golden_text)
            if key is None:  # a member of a candidate's golden record (folded only)
                members.append((golden_id, record_id, *member))
                continue
            block = holders.setdefault(key, [])
            if record_id is None:  # a usable block of the records' own keys only
                continue
            block.append(record_id)
            # The caller's own records (`known_views`) need no decoding.
            if view is not None and record_id not in views and record_id not in known_views:
                views[record_id] = match_views.decode_view(entity_type, view)
            if golden_id is not None:
                golden_ids[record_id] = golden_id
    for record_id, record_keys in keys.items() if folded else ():
        for key in record_keys & holders.keys():
            holders[key].append(record_id)
    shared: dict[uuid.UUID, dict[uuid.UUID, set[str]]] = {}
    for record_id, record_keys in keys.items():
        found: dict[uuid.UUID, set[str]] = defaultdict(set)
        for key in record_keys:
            for other in holders.get(key, ()):
                if other != record_id:
                    found[other].add(key)
        shared[record_id] = found
    return Candidates(shared, views, golden_ids,
                      tuple(members) if members is not None else None)


class _Ids(dict):
    """Record and golden ids as UUIDs, each made once: a record is a row per key it holds.

    SQLite's rows carry ids as text (`_candidates_statement`): SQLAlchemy made a UUID of every
    id of every row, a tenth of the candidate lookup. PostgreSQL's driver gives UUIDs.
    """

    def __call__(self, value: str | uuid.UUID | None) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        found = self.get(value)
        if found is None:
            found = self[value] = uuid.UUID(value)
        return found


def _candidate_rows(session: Session, entity_type: str, keys: list[str], model: MatchModel,
                    own: list[int], batch: InsertBatch | None):
    """(key, record id, stored view, golden id) of every stored holder of a key whose block is
    usable, counting `own` more holders a key; a usable key no stored record holds comes once,
    with None for the rest. `batch` (PostgreSQL only) is flushed in the same statement, and
    then the members of the holders' golden records follow: (None, record id, None, golden id,
    golden created_at, whether the record is in a not-a-match pair)."""
    if session.get_bind().dialect.name != "postgresql":
        return execute(session, _candidates_statement(entity_type, model),
                       {"keys": padded(keys)})
    parameters = {"entity_type": entity_type, "keys": keys, "own": own,
                  "block_limits": [model.block_limit(key_kind(key)) for key in keys],
                  "fingerprint": match_views.fingerprint(entity_type)}
    if batch is not None:
        return batch.flush(session, _BOUNDED_CANDIDATES_AND_MEMBERS, parameters)
    return execute(session, _BOUNDED_CANDIDATES_ALONE, parameters)


# On PostgreSQL each key's holders are counted only up to its limit + 1: counting every holder
# of a crowded key (a pick-up point's address, a dummy e-mail: thousands of records in a big
# store) cost tens of milliseconds a record, and grew with the store. MATERIALIZED counts each
# key once. One text whatever the keys, so it is prepared once per connection. `own` counts
# holders the statement cannot see (rows inserted by the same statement).
_BOUNDED_CANDIDATES = Read("""
    held AS MATERIALIZED (
        SELECT wanted.key, wanted.block_limit, wanted.own,
               (SELECT count(*) FROM (SELECT 1 FROM match_keys AS holder
                                      WHERE holder.entity_type = :entity_type
                                        AND holder.key = wanted.key
                                      LIMIT greatest(wanted.block_limit - wanted.own + 1, 0))
                  AS block) AS records
        FROM unnest(CAST(:keys AS varchar[]), CAST(:block_limits AS integer[]),
                    CAST(:own AS integer[])) AS wanted(key, block_limit, own)
    )""", """
    SELECT held.key, match_keys.source_record_id, match_views.view, xref.golden_id
    FROM held
    LEFT JOIN match_keys ON match_keys.entity_type = :entity_type AND match_keys.key = held.key
    LEFT JOIN match_views ON match_views.source_record_id = match_keys.source_record_id
                         AND match_views.fingerprint = :fingerprint
    LEFT JOIN xref ON xref.source_record_id = match_keys.source_record_id
    WHERE held.records + held.own BETWEEN 2 AND held.block_limit
""", (("key", String), ("source_record_id", Uuid), ("view", Text), ("golden_id", Uuid)))
_BOUNDED_CANDIDATES_ALONE = _BOUNDED_CANDIDATES.statement()
# A single record's lookup also reads what placing it needs of the holders' golden records
# (`resolve._seed_state`): a round trip fewer for nine records in ten. The flush it rides with
# holds no xref or golden rows yet, so the members read are those a read after it would see.
_golden_created = GoldenRecord.__table__.c.created_at.type
_BOUNDED_CANDIDATES_AND_MEMBERS = Read(_BOUNDED_CANDIDATES.ctes + f""",
    found AS MATERIALIZED ({_BOUNDED_CANDIDATES.query})""", """
    SELECT key, source_record_id, view, golden_id, NULL AS created_at, NULL AS has_pair
    FROM found
    UNION ALL
    SELECT NULL, xref.source_record_id, NULL, xref.golden_id, golden_records.created_at,
           EXISTS (SELECT 1 FROM not_a_match_pairs AS pairs
                   WHERE pairs.left_record_id = xref.source_record_id
                      OR pairs.right_record_id = xref.source_record_id)
    FROM xref JOIN golden_records ON golden_records.id = xref.golden_id
    WHERE xref.golden_id IN (SELECT found.golden_id FROM found)
""", (*_BOUNDED_CANDIDATES.columns, ("created_at", _golden_created),
      ("has_pair", Boolean)))


def _block_limit(model: MatchModel):
    """The SQL limit of each key's block: its kind's limit, by the key's prefix."""
    limits = [(MatchKey.__table__.c.key.startswith(f"{kind}:", autoescape=True),
               model.block_limit(kind)) for kind, _ in model.block_limits
              if model.block_limit(kind) != model.max_block_size]
    return case(*limits, else_=model.max_block_size) if limits else model.max_block_size


@lru_cache(maxsize=8)
def _candidates_statement(entity_type: str, model: MatchModel):
    # SQLite's: counts every holder of each key, which its small stores afford. Built once per
    # model with the keys as a parameter: building it per call cost more than running it.
    table, views, xref = MatchKey.__table__, MatchView.__table__, Xref.__table__
    keys = bindparam("keys", expanding=True)
    usable = (select(table.c.key).where(table.c.entity_type == entity_type, table.c.key.in_(keys))
              .group_by(table.c.key)
              .having(func.count() >= 2, func.count() <= _block_limit(model)).subquery())
    # Ids as stored (hex text): `find_candidates` makes each a UUID once, not once per row.
    return (select(table.c.key, type_coerce(table.c.source_record_id, String), views.c.view,
                   type_coerce(xref.c.golden_id, String))
            .join(usable, usable.c.key == table.c.key)
            .outerjoin(views, (views.c.source_record_id == table.c.source_record_id)
                       & (views.c.fingerprint == match_views.fingerprint(entity_type)))
            .outerjoin(xref, xref.c.source_record_id == table.c.source_record_id)
            # Naming the keys again lets the planner seek them, not walk every key of the type.
            .where(table.c.entity_type == entity_type, table.c.key.in_(keys)))


def load_views(session: Session, entity_type: str,
               record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, View]:
    """Match views of stored source records: as stored at matching, else standardised afresh.

    Reads only: a record matched before views were stored is standardised from its payload.
    """
    wanted = list(record_ids)
    views = match_views.load_views(session, entity_type, wanted)
    ids = [record_id for record_id in wanted if record_id not in views]
    records, sources = SourceRecord.__table__, Source.__table__
    for part in padded_chunks(ids, LOOKUP_CHUNK):
        rows = session.execute(
            select(records.c.id, sources.c.name, records.c.payload)
            .join(sources, sources.c.id == records.c.source_id)
            .where(records.c.id.in_(part)))
        for record_id, source, payload in rows:
            views[record_id] = standardise(entity_type, record_id, source, payload)
    return views


@dataclass(frozen=True)
class PairToScore:
    left: View
    right: View
    blocking_keys: tuple[str, ...]


def explain(entity_type: str, pair: PairToScore, model: MatchModel) -> MatchResult:
    """The decision on one pair with its explanation (the single-record path)."""
    compare = compare_customers if entity_type == "customer" else compare_products
    return score(compare(pair.left, pair.right, blocking_keys=pair.blocking_keys), model)


def level_codes_of(entity_type: str, pairs: list[PairToScore]) -> np.ndarray:
    """Level codes, shape (pairs, fields), through the vectorised comparison."""
    rows: dict[str, int] = {}
    views: list[View] = []
    for pair in pairs:
        for view in (pair.left, pair.right):
            if view.record_id not in rows:
                rows[view.record_id] = len(views)
                views.append(view)
    table = build_table(entity_type, views, with_keys=False)  # the pairs are blocked already
    left = np.array([rows[pair.left.record_id] for pair in pairs], dtype=np.int64)
    right = np.array([rows[pair.right.record_id] for pair in pairs], dtype=np.int64)
    return compare_rows(table, left, right)


def score_pairs(entity_type: str, pairs: list[PairToScore], model: MatchModel,
                explained: dict[frozenset[str], MatchResult] | None = None) -> list[Link]:
    """A scored link per pair, vectorised when there are many pairs.

    Few pairs are explained in full at once and leave their results in `explained` (keyed by
    the pair's record ids), so an explanation asked for later costs nothing.
    """
    if len(pairs) < BATCH_MIN_PAIRS:
        links = []
        for pair, result in zip(pairs, explain_pairs(entity_type, pairs, model), strict=True):
            if explained is not None:
                explained[frozenset((pair.left.record_id, pair.right.record_id))] = result
            links.append(_link(pair, result))
        return links
    scores = classify_codes(level_codes_of(entity_type, pairs), model)
    return [Link(pair.left.record_id, pair.right.record_id, float(weight), OUTCOMES[outcome],
                 bool(conflict))
            for pair, weight, outcome, conflict in zip(
                pairs, scores.match_weight, scores.outcome, scores.hard_conflict, strict=True)]


def _level_codes_pair_by_pair(entity_type: str, pairs: list[PairToScore],
                              model: MatchModel) -> np.ndarray:
    """Level codes, shape (pairs, fields), comparing pair by pair (no table to build)."""
    levels = levels_of_pairs(entity_type, [(pair.left, pair.right) for pair in pairs])
    return codes_of_levels(model, [c.name for c in COMPARISONS[entity_type]], levels)


def explain_pairs(entity_type: str, pairs: list[PairToScore],
                  model: MatchModel) -> list[MatchResult]:
    """`explain` for many pairs at once: the same results, from one scoring of all rows.

    The rules are evaluated once for all pairs, not once per pair: numpy's per-call cost made
    a single record with five candidates take tens of milliseconds.
    """
    if not pairs:
        return []
    if len(pairs) < BATCH_MIN_PAIRS:
        codes = _level_codes_pair_by_pair(entity_type, pairs, model)
    else:
        codes = level_codes_of(entity_type, pairs)
    return explain_codes(codes, model,
                         [(pair.left.record_id, pair.right.record_id) for pair in pairs],
                         [pair.blocking_keys for pair in pairs])


def _link(pair: PairToScore, result: MatchResult) -> Link:
    return Link(pair.left.record_id, pair.right.record_id, result.match_weight, result.outcome,
                bool(result.explanation.hard_conflicts))
