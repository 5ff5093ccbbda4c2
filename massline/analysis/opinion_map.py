"""Opinion map (Pol.is-style): who votes alike, what each group stands for, what all agree on.

The consultation app calls three pure functions; none keeps state between calls.

``compute_map(votes, n_participants, n_statements, *, seed=0, min_votes=7, exclude=(), k_max=5,
max_representative=5, max_consensus=5) -> OpinionMap``
    ``votes`` are (participant index, statement index, vote) with vote -1 disagree, 0 pass,
    +1 agree, given as a sequence of triples, an (n, 3) integer array, or a tuple of three 1-D
    integer arrays (participants, statements, votes). Indices run from 0 to n - 1; when a pair
    occurs twice the later one wins (a changed vote). ``exclude`` holds participants a moderator
    leaves out: a collection of indices, or a mapping index → reason such as `outlier_flags`
    returns (the reason is then reported). Leave out the votes on statements moderation
    rejected (their indices may stay unused). Bad input raises ValueError naming the row or
    field. The OpinionMap gives per included participant a position and a group (`place(i)`),
    the groups with their representative statements, the consensus statements, who was left
    out and why, the silhouettes; `as_dict()` is its JSON form, to store with
    ``METHOD_VERSION``.

``outlier_flags(votes, timestamps=None, *, min_seconds_per_vote=2.0, min_votes=7,
uniform=True) -> dict[int, str]``
    Participants who agree with everything, disagree with everything (`uniform`), or whose
    median time between votes is under `min_seconds_per_vote` (needs `timestamps`, seconds
    aligned with the vote rows). Feed the result, or the part a moderator's setting switches
    on, into ``exclude``.

``next_statements(vote_counts, voted=(), *, created=None, hidden=(), limit=None) -> list[int]``
    The order in which to show one voter statements: not yet voted on by them, not hidden,
    fewest votes first and newest first among equals, so that late statements still gather
    votes.

``planted_votes(...)`` makes synthetic votes with planted groups (tests, bench, demo data).

The method is Pol.is's (polismath: PCA, k-means, repness, group-aware consensus), built to run
on its caps (100,000 participants × 10,000 statements at 0.5 %: about 10 s and 500 MB here):

- The votes become a CSR int8 matrix whose stored entries are exactly the votes cast (a pass is
  a stored 0; never ``eliminate_zeros`` it). Participants with fewer than
  ``min(min_votes, n_statements)`` votes (passes count, as in Pol.is) and excluded ones are left
  out of everything below (projection, groups, statistics) and reported in ``left_out``.
- PCA with Pol.is's imputation (a missing vote takes its statement's mean) never densifies:
  once every column is centred by that same mean, an imputed cell is 0, so the centred matrix
  is sparse with the votes' own pattern (vote - mean on each stored entry). Its top right
  singular vectors come from a seeded randomized SVD (block power iteration, what Pol.is's own
  power iteration does one vector at a time); the map is the first two.
- Each participant's coordinates are scaled by sqrt(n_statements / n_votes), as Pol.is does, so
  that someone who voted on few statements is not pulled to the centre by the imputed zeros.
- k-means for k = 2..k_max, k chosen by the best silhouette (ties: the smaller k), computed on
  a seeded sample of at most 2,000 participants (silhouette is O(n²)). Unlike Pol.is, which
  clusters the 2-D map, the clustering uses the top max(2, k_max - 1) axes: k groups' centres
  span k - 1 dimensions, and two axes cannot keep 4 or 5 camps apart. On planted groups
  (5,000 × 1,000 at 5 %, see `bench/opinion_map.py`) the 2-D clustering recovered 3 groups
  (adjusted Rand 0.98) but merged 4 into 3 (0.62) and 5 into 3 (0.46); on 4 axes it finds
  k = 4 (0.96) and k = 5 (0.96), at the same cost. The price: on the 2-D map two groups may
  overlap a little, so the page colours the dots by group.
- Representative statements per group, with Pol.is's statistics (add-one smoothing): among the
  group's n_seen votes on a statement, n_success agree (or disagree),
  p = (n_success + 1) / (n_seen + 2), ratio = p / p_rest (the same for everyone else included);
  z_p = 2·sqrt(n_seen + 1)·((n_success + 1) / (n_seen + 1) - 1/2), a one-proportion test that the
  group leans that way, and z_ratio the two-proportion test of group against the rest (each
  count + 1). A statement is "for" agree when z_ratio(agree) > z_ratio(disagree); it is
  significant when both its tests pass 90 % one-sided (z > 1.2816); significant ones rank by
  ratio·z_ratio·p·z_p and the best ``max_representative`` are kept. As in Pol.is, the group's
  best agreed statement is put first even when it is not among them, and a group with no
  significant statement still gets its strongest one (marked ``significant=False``).
- Group-aware consensus: a statement's score is the product over groups of each group's
  smoothed agree probability (n_agree + 1) / (n_seen + 2); it is listed as consensus when every
  group leans to agree significantly (z_p > 1.2816 in each), best score first.
- Seeded and reproducible: the same votes and seed give an identical map; groups are numbered
  by size (largest first, ties by lowest member index), so their numbers do not depend on
  k-means's internal labels.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

Ints: TypeAlias = NDArray[np.int64]
Floats: TypeAlias = NDArray[np.float64]
VoteRows: TypeAlias = Sequence[tuple[int, int, int]]
VoteColumns: TypeAlias = tuple[NDArray[Any], NDArray[Any], NDArray[Any]]
Votes: TypeAlias = VoteRows | VoteColumns | NDArray[Any]

METHOD_VERSION = 1
"""Stored beside a computed map; raised when a change to the method moves its results."""
Z_90 = 1.2816
"""One-sided 90 % critical value of the standard normal, Pol.is's significance level."""
SILHOUETTE_SAMPLE = 2000
KMEANS_RESTARTS = 4


class Reason(StrEnum):
    """Why a participant is not on the map (values are what `left_out` and `outlier_flags` give)."""

    TOO_FEW_VOTES = "too_few_votes"
    EXCLUDED = "excluded"
    AGREES_WITH_EVERYTHING = "agrees_with_everything"
    DISAGREES_WITH_EVERYTHING = "disagrees_with_everything"
    VOTES_TOO_FAST = "votes_too_fast"


@dataclass(frozen=True)
class Repness:
    """One representative statement of a group, with the figures that made it so."""

    statement: int
    direction: Literal["agree", "disagree"]
    n_success: int
    n_seen: int
    p: float
    p_rest: float
    ratio: float
    z_p: float
    z_ratio: float
    metric: float
    significant: bool


@dataclass(frozen=True, eq=False)
class Group:
    """An opinion group: its members (participant indices), centre on the map, and the
    statements that set it apart, most representative first."""

    id: int
    members: Ints
    center: tuple[float, float]
    representative: tuple[Repness, ...]


@dataclass(frozen=True)
class Consensus:
    statement: int
    score: float
    p_agree: tuple[float, ...]
    """Each group's smoothed agree probability, in group order."""


@dataclass(frozen=True, eq=False)
class OpinionMap:
    """The map; its arrays are read-only. Row i of `xy` and `labels` is `participants[i]`."""

    participants: Ints
    xy: Floats
    labels: Ints
    groups: tuple[Group, ...]
    consensus: tuple[Consensus, ...]
    consensus_scores: Floats
    """Group-aware consensus of every statement (the product above), for sorting all of them."""
    left_out: Mapping[int, str]
    silhouette: float | None
    """Silhouette of the chosen k; None when there were too few distinct participants to split."""
    silhouettes: Mapping[int, float]
    explained_variance: tuple[float, float]
    """Share of the centred vote matrix's variance along each of the map's two axes."""
    seed: int

    def place(self, participant: int) -> tuple[float, float, int] | None:
        """(x, y, group id) of a participant, or None when they are left out."""
        i = int(np.searchsorted(self.participants, participant))
        if i == len(self.participants) or self.participants[i] != participant:
            return None
        return float(self.xy[i, 0]), float(self.xy[i, 1]), int(self.labels[i])

    def as_dict(self) -> dict[str, Any]:
        """The map as JSON-ready lists and dicts (keys are strings), to store or to send."""
        return {
            "version": METHOD_VERSION,
            "seed": self.seed,
            "participants": self.participants.tolist(),
            "xy": self.xy.tolist(),
            "labels": self.labels.tolist(),
            "groups": [
                {
                    "id": g.id,
                    "members": g.members.tolist(),
                    "center": list(g.center),
                    "representative": [asdict(r) for r in g.representative],
                }
                for g in self.groups
            ],
            "consensus": [asdict(c) for c in self.consensus],
            "consensus_scores": self.consensus_scores.tolist(),
            "left_out": {str(p): str(reason) for p, reason in self.left_out.items()},
            "silhouette": self.silhouette,
            "silhouettes": {str(k): score for k, score in self.silhouettes.items()},
            "explained_variance": list(self.explained_variance),
        }


@dataclass(frozen=True)
class _Cast:
    """Votes after validation and latest-wins: sorted by (participant, statement), one per pair."""

    participant: Ints
    statement: Ints
    vote: NDArray[np.int8]


def _integer_column(values: NDArray[Any], name: str) -> Ints:
    if values.size and not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"votes: {name} must be integers, got {values.dtype}")
    return values.astype(np.int64, copy=False)


def _columns(votes: Votes) -> tuple[Ints, Ints, Ints]:
    if (
        isinstance(votes, tuple)
        and len(votes) == 3
        and all(isinstance(column, np.ndarray) for column in votes)
    ):
        columns = [np.asarray(column) for column in votes]
        if any(c.ndim != 1 for c in columns) or len({len(c) for c in columns}) != 1:
            shapes = ", ".join(str(c.shape) for c in columns)
            raise ValueError(
                "votes: the three arrays (participants, statements, votes) must be 1-D and of "
                f"equal length, got shapes {shapes}"
            )
    else:
        rows = np.asarray(votes)
        if rows.size == 0:
            rows = rows.reshape(0, 3)
        if rows.ndim != 2 or rows.shape[1] != 3:
            raise ValueError(
                "votes: expected (participant, statement, vote) triples, "
                f"got an array of shape {rows.shape}"
            )
        columns = [rows[:, 0], rows[:, 1], rows[:, 2]]
    participant, statement, vote = (
        _integer_column(c, name)
        for c, name in zip(columns, ("participant", "statement", "vote"), strict=True)
    )
    return participant, statement, vote


def _check_range(values: Ints, name: str, upper: int | None) -> None:
    outside = values < 0 if upper is None else (values < 0) | (values >= upper)
    bad = np.flatnonzero(outside)
    if bad.size:
        row = int(bad[0])
        allowed = "≥ 0" if upper is None else f"0..{upper - 1}" if upper else "none (there are 0)"
        raise ValueError(f"votes[{row}]: {name} {int(values[row])} is outside {allowed}")


def _validated(
    votes: Votes, n_participants: int | None, n_statements: int | None
) -> tuple[Ints, Ints, Ints]:
    participant, statement, vote = _columns(votes)
    _check_range(participant, "participant", n_participants)
    _check_range(statement, "statement", n_statements)
    bad = np.flatnonzero((vote < -1) | (vote > 1))
    if bad.size:
        row = int(bad[0])
        raise ValueError(
            f"votes[{row}]: vote {int(vote[row])} is not -1 (disagree), 0 (pass) or 1 (agree)"
        )
    return participant, statement, vote


def _latest(participant: Ints, statement: Ints, vote: Ints) -> _Cast:
    """One vote per (participant, statement), the last given, sorted by participant then statement.

    Sorting the pairs' keys (stable, so equal keys keep their order) also lays the votes out row
    by row, which is what CSR needs.
    """
    key = participant * (int(statement.max(initial=0)) + 1) + statement
    if key.size > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        key = key[order]
        last = np.ones(key.size, dtype=bool)
        last[:-1] = key[1:] != key[:-1]
        keep = order[last]
        participant, statement, vote = participant[keep], statement[keep], vote[keep]
    return _Cast(participant, statement, vote.astype(np.int8))


def _vote_matrix(cast: _Cast, n_rows: int, n_statements: int) -> sp.csr_matrix:
    """CSR int8 of the votes; its stored entries are the votes cast, passes being stored zeros."""
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(cast.participant, minlength=n_rows), out=indptr[1:])
    return sp.csr_matrix(
        (cast.vote, cast.statement.astype(np.int32), indptr), shape=(n_rows, n_statements)
    )


def _left_out(
    n_votes: Ints, threshold: int, exclude: Collection[int] | Mapping[int, str]
) -> dict[int, str]:
    reasons: dict[int, str] = {
        int(i): Reason.TOO_FEW_VOTES for i in np.flatnonzero(n_votes < threshold)
    }
    for participant in exclude:
        if not 0 <= participant < len(n_votes):
            raise ValueError(f"exclude: participant {participant} is outside 0..{len(n_votes) - 1}")
        reason = exclude[participant] if isinstance(exclude, Mapping) else Reason.EXCLUDED
        reasons[int(participant)] = reason
    return dict(sorted(reasons.items()))


def _project(
    matrix: sp.csr_matrix, n_votes: Ints, n_statements: int, dimensions: int, seed: int
) -> tuple[Floats, tuple[float, float]]:
    """Participants' scaled coordinates on the top `dimensions` principal axes (≥ 2 columns,
    zeros where the matrix has fewer), and the share of variance along the first two."""
    from sklearn.utils.extmath import randomized_svd

    values = matrix.data.astype(np.float64)
    columns = matrix.indices
    seen = np.bincount(columns, minlength=n_statements)
    sums = np.bincount(columns, weights=values, minlength=n_statements)
    means = np.divide(sums, seen, out=np.zeros(n_statements), where=seen > 0)
    centred = sp.csr_matrix((values - means[columns], columns, matrix.indptr), shape=matrix.shape)
    total = float(np.dot(centred.data, centred.data))
    components = min(dimensions, *centred.shape)
    xy = np.zeros((centred.shape[0], dimensions))
    explained = (0.0, 0.0)
    if total > 0 and components > 0:
        u, s, _ = randomized_svd(centred, n_components=components, random_state=seed)
        u = np.asarray(u, dtype=np.float64)
        s = np.asarray(s, dtype=np.float64)
        xy[:, :components] = u * s
        shares = [float(v * v / total) for v in s] + [0.0, 0.0]
        explained = (shares[0], shares[1])
    xy *= np.sqrt(n_statements / n_votes)[:, None]
    # Rounding off the last bits of floating-point noise puts participants who voted alike on
    # the very same point, so that they count as one point when k is capped.
    return np.asarray(np.round(xy, 9), dtype=np.float64), explained


def _cluster(xy: Floats, k_max: int, seed: int) -> tuple[Ints, float | None, dict[int, float]]:
    """Labels (numbered by size), the chosen k's silhouette and every tried k's."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(xy)
    distinct = len(np.unique(xy, axis=0)) if n else 0
    k_top = min(k_max, distinct, n - 1)
    if k_top < 2:
        return np.zeros(n, dtype=np.int64), None, {}
    rng = np.random.default_rng(seed)
    sample = (
        np.sort(rng.choice(n, SILHOUETTE_SAMPLE, replace=False))
        if n > SILHOUETTE_SAMPLE
        else np.arange(n)
    )
    best: tuple[float, Ints] | None = None
    scores: dict[int, float] = {}
    for k in range(2, k_top + 1):
        model = KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=seed)
        labels = np.asarray(model.fit_predict(xy), dtype=np.int64)
        in_sample = labels[sample]
        found = len(np.unique(in_sample))
        score = (
            float(silhouette_score(xy[sample], in_sample))
            if 2 <= found <= len(sample) - 1
            else -1.0
        )
        scores[k] = score
        if best is None or score > best[0]:
            best = (score, labels)
    assert best is not None
    return _by_size(best[1]), best[0], scores


def _by_size(labels: Ints) -> Ints:
    found = np.unique(labels)
    sizes = {int(g): int(np.sum(labels == g)) for g in found}
    first = {int(g): int(np.argmax(labels == g)) for g in found}
    order = sorted(sizes, key=lambda g: (-sizes[g], first[g]))
    renumber = np.zeros(int(found.max()) + 1, dtype=np.int64)
    for new, old in enumerate(order):
        renumber[old] = new
    return renumber[labels]


def one_prop_z(n_success: NDArray[Any], n_seen: NDArray[Any]) -> Floats:
    """Pol.is's test that a proportion exceeds 1/2, counts smoothed by one."""
    return np.asarray(
        2 * np.sqrt(n_seen + 1) * ((n_success + 1) / (n_seen + 1) - 0.5), dtype=np.float64
    )


def two_prop_z(
    success_in: NDArray[Any],
    success_out: NDArray[Any],
    seen_in: NDArray[Any],
    seen_out: NDArray[Any],
) -> Floats:
    """Pol.is's two-proportion test (group against the rest), each count smoothed by one."""
    a, b = success_in + 1.0, success_out + 1.0
    m, n = seen_in + 1.0, seen_out + 1.0
    pooled = (a + b) / (m + n)
    spread = pooled * (1 - pooled) * (1 / m + 1 / n)
    z = np.divide(a / m - b / n, np.sqrt(spread), out=np.zeros(np.shape(a)), where=spread > 0)
    return np.asarray(z, dtype=np.float64)


@dataclass(frozen=True)
class _Counts:
    """Per group (rows) and statement (columns): agree, disagree and seen counts."""

    agree: Ints
    disagree: Ints
    seen: Ints


def _counts(cast: _Cast, row_of: Ints, labels: Ints, k: int, n_statements: int) -> _Counts:
    cell = labels[row_of[cast.participant]] * n_statements + cast.statement
    size = k * n_statements

    def count(mask: NDArray[np.bool_] | None) -> Ints:
        chosen = cell if mask is None else cell[mask]
        return np.bincount(chosen, minlength=size).reshape(k, n_statements).astype(np.int64)

    return _Counts(count(cast.vote == 1), count(cast.vote == -1), count(None))


@dataclass(frozen=True)
class _Side:
    """One group's statistics for one direction (agree or disagree), one entry per statement."""

    direction: Literal["agree", "disagree"]
    n: Ints
    p: Floats
    p_rest: Floats
    ratio: Floats
    z_p: Floats
    z_ratio: Floats

    @property
    def metric(self) -> Floats:
        return np.asarray(self.ratio * self.z_ratio * self.p * self.z_p, dtype=np.float64)

    def repness(self, statement: int, seen: Ints) -> Repness:
        z_p, z_ratio = float(self.z_p[statement]), float(self.z_ratio[statement])
        return Repness(
            statement=statement,
            direction=self.direction,
            n_success=int(self.n[statement]),
            n_seen=int(seen[statement]),
            p=float(self.p[statement]),
            p_rest=float(self.p_rest[statement]),
            ratio=float(self.ratio[statement]),
            z_p=z_p,
            z_ratio=z_ratio,
            metric=float(self.metric[statement]),
            significant=z_p > Z_90 and z_ratio > Z_90,
        )


def _side(
    direction: Literal["agree", "disagree"], n: Ints, total: Ints, seen: Ints, seen_rest: Ints
) -> _Side:
    rest = total - n
    p = (n + 1) / (seen + 2)
    p_rest = (rest + 1) / (seen_rest + 2)
    z_p, z_ratio = one_prop_z(n, seen), two_prop_z(n, rest, seen, seen_rest)
    return _Side(direction, n, p, p_rest, p / p_rest, z_p, z_ratio)


def _first(candidates: Ints, score: Floats) -> Ints:
    """`candidates` by `score`, highest first, ties by lower statement index."""
    return candidates[np.lexsort((candidates, -score[candidates]))]


def _group_repness(counts: _Counts, g: int, limit: int) -> tuple[Repness, ...]:
    if limit == 0:
        return ()
    seen = counts.seen[g]
    seen_rest = counts.seen.sum(axis=0) - seen
    agree = _side("agree", counts.agree[g], counts.agree.sum(axis=0), seen, seen_rest)
    disagree = _side("disagree", counts.disagree[g], counts.disagree.sum(axis=0), seen, seen_rest)
    voted = np.flatnonzero(agree.n + disagree.n > 0)
    for_agree = agree.z_ratio > disagree.z_ratio
    metric = np.where(for_agree, agree.metric, disagree.metric)
    z_p = np.where(for_agree, agree.z_p, disagree.z_p)
    z_ratio = np.where(for_agree, agree.z_ratio, disagree.z_ratio)
    significant = voted[(z_p[voted] > Z_90) & (z_ratio[voted] > Z_90)]
    picked = [int(s) for s in _first(significant, metric)[:limit]]
    if not picked and voted.size:
        picked = [int(_first(voted, z_ratio)[0])]
    chosen = [(agree if for_agree[s] else disagree).repness(s, seen) for s in picked]
    best = _best_agree(agree, voted)
    if best is None:
        return tuple(chosen)
    first = next((r for r in chosen if r.statement == best), None) or agree.repness(best, seen)
    return (first, *(r for r in chosen if r.statement != best))[:limit]


def _best_agree(agree: _Side, voted: Ints) -> int | None:
    """What the group most clearly agrees with, which Pol.is puts first: by the repness metric
    among statements it favours more than the rest does, else by p·z_p among those it leans to."""
    leaning = voted[(agree.z_p[voted] > Z_90) | ((agree.ratio[voted] > 1) & (agree.p[voted] > 0.5))]
    favoured = leaning[agree.ratio[leaning] > 1]
    if favoured.size:
        return int(_first(favoured, agree.metric)[0])
    if leaning.size:
        return int(_first(leaning, agree.p * agree.z_p)[0])
    return None


def _consensus(counts: _Counts, limit: int) -> tuple[tuple[Consensus, ...], Floats]:
    p_agree = (counts.agree + 1) / (counts.seen + 2)
    scores = np.asarray(np.prod(p_agree, axis=0), dtype=np.float64)
    everyone = np.all(one_prop_z(counts.agree, counts.seen) > Z_90, axis=0)
    candidates = np.flatnonzero(everyone)
    ranked = _first(candidates, scores)[:limit]
    listed = tuple(
        Consensus(
            statement=int(s),
            score=float(scores[s]),
            p_agree=tuple(float(p) for p in p_agree[:, s]),
        )
        for s in ranked
    )
    return listed, scores


class _Laps:
    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.since = time.perf_counter()

    def __call__(self, phase: str) -> None:
        if self.into is not None:
            now = time.perf_counter()
            self.into[phase] = now - self.since
            self.since = now


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.setflags(write=False)
    return array


def compute_map(
    votes: Votes,
    n_participants: int,
    n_statements: int,
    *,
    seed: int = 0,
    min_votes: int = 7,
    exclude: Collection[int] | Mapping[int, str] = (),
    k_max: int = 5,
    max_representative: int = 5,
    max_consensus: int = 5,
    timings: dict[str, float] | None = None,
) -> OpinionMap:
    """The opinion map of a conversation (see the module docstring for the method).

    BLAS and OpenMP run on one thread (process-wide while this runs, as threadpoolctl works):
    the same map on any number of cores, and on this project's shared 2-core machine k-means
    ran ~15× faster than with threads contending. Pass numpy arrays for large conversations:
    turning millions of Python tuples into arrays takes longer than the map itself.

    `timings`, when given, receives the seconds spent in each phase (votes, projection,
    clustering, statistics), for benchmarks and the task's log.
    """
    for name, value, least in (
        ("n_participants", n_participants, 0),
        ("n_statements", n_statements, 0),
        ("min_votes", min_votes, 1),
        ("k_max", k_max, 1),
        ("max_representative", max_representative, 0),
        ("max_consensus", max_consensus, 0),
    ):
        if value < least:
            raise ValueError(f"{name} must be at least {least}, got {value}")
    lap = _Laps(timings)
    cast = _latest(*_validated(votes, n_participants, n_statements))
    n_votes = np.bincount(cast.participant, minlength=n_participants).astype(np.int64)
    threshold = max(1, min(min_votes, n_statements))
    left_out = _left_out(n_votes, threshold, exclude)
    included = np.ones(n_participants, dtype=bool)
    included[list(left_out)] = False
    participants = np.flatnonzero(included).astype(np.int64)
    row_of = np.full(n_participants, -1, dtype=np.int64)
    row_of[participants] = np.arange(len(participants))
    keep = included[cast.participant]
    cast = _Cast(cast.participant[keep], cast.statement[keep], cast.vote[keep])
    rows = _Cast(row_of[cast.participant], cast.statement, cast.vote)
    matrix = _vote_matrix(rows, len(participants), n_statements)
    lap("votes")
    dimensions = max(2, k_max - 1)
    with threadpool_limits(limits=1):
        space, explained = _project(matrix, n_votes[participants], n_statements, dimensions, seed)
        xy = np.ascontiguousarray(space[:, :2])
        lap("projection")
        if len(participants):
            labels, silhouette, silhouettes = _cluster(space, k_max, seed)
        else:
            labels, silhouette, silhouettes = np.zeros(0, dtype=np.int64), None, {}
        lap("clustering")
    k = int(labels.max()) + 1 if len(labels) else 0
    counts = _counts(cast, row_of, labels, k, n_statements)
    groups = tuple(
        Group(
            id=g,
            members=_frozen(participants[labels == g]),
            center=(float(xy[labels == g, 0].mean()), float(xy[labels == g, 1].mean())),
            representative=_group_repness(counts, g, max_representative),
        )
        for g in range(k)
    )
    if k:
        consensus, scores = _consensus(counts, max_consensus)
    else:
        consensus, scores = (), np.zeros(n_statements)
    lap("statistics")
    return OpinionMap(
        participants=_frozen(participants),
        xy=_frozen(xy),
        labels=_frozen(labels),
        groups=groups,
        consensus=consensus,
        consensus_scores=_frozen(scores),
        left_out=MappingProxyType(left_out),
        silhouette=silhouette,
        silhouettes=MappingProxyType(silhouettes),
        explained_variance=explained,
        seed=seed,
    )


def outlier_flags(
    votes: Votes,
    timestamps: Sequence[float] | NDArray[Any] | None = None,
    *,
    min_seconds_per_vote: float = 2.0,
    min_votes: int = 7,
    uniform: bool = True,
) -> dict[int, str]:
    """Participants a moderator may leave out of the groups, with the reason (a `Reason` value).

    Too fast: the median time between a participant's consecutive votes (every vote they cast,
    changed ones included) is under `min_seconds_per_vote`; a statement of Pol.is's 140
    characters takes a reader several seconds, so the 2 s default only catches clicking through.
    Uniform: at least `min_votes` agree/disagree votes (latest per statement), all agree or all
    disagree; passes do not count either way. Only participants with at least `min_votes`
    votes are judged at all, so a newcomer is never flagged on three votes.
    """
    if min_votes < 2:
        raise ValueError(f"min_votes must be at least 2, got {min_votes}")
    participant, statement, vote = _validated(votes, None, None)
    flags: dict[int, str] = {}
    if timestamps is not None:
        try:
            times = np.asarray(timestamps, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"timestamps: expected seconds as numbers ({error})") from None
        if times.shape != participant.shape:
            raise ValueError(
                f"timestamps: expected one per vote ({participant.size}), got {times.shape}"
            )
        if not np.all(np.isfinite(times)):
            raise ValueError(f"timestamps[{int(np.argmin(np.isfinite(times)))}]: not a number")
        for p in _too_fast(participant, times, min_seconds_per_vote, min_votes):
            flags[p] = Reason.VOTES_TOO_FAST
    if uniform:
        cast = _latest(participant, statement, vote)
        opinion = cast.vote != 0
        who = cast.participant[opinion]
        n_opinions = np.bincount(who)
        n_agree = np.bincount(who, weights=(cast.vote[opinion] == 1), minlength=len(n_opinions))
        judged = n_opinions >= min_votes
        for q in np.flatnonzero(judged & (n_agree == n_opinions)):
            flags.setdefault(int(q), Reason.AGREES_WITH_EVERYTHING)
        for q in np.flatnonzero(judged & (n_agree == 0)):
            flags.setdefault(int(q), Reason.DISAGREES_WITH_EVERYTHING)
    return dict(sorted(flags.items()))


def _too_fast(participant: Ints, times: Floats, min_seconds: float, min_votes: int) -> list[int]:
    order = np.lexsort((times, participant))
    who, when = participant[order], times[order]
    same = who[1:] == who[:-1]
    owner, gap = who[1:][same], np.diff(when)[same]
    order = np.lexsort((gap, owner))
    owner, gap = owner[order], gap[order]
    found, start, n_gaps = np.unique(owner, return_index=True, return_counts=True)
    lower, upper = start + (n_gaps - 1) // 2, start + n_gaps // 2
    median = (gap[lower] + gap[upper]) / 2
    flagged = (n_gaps >= min_votes - 1) & (median < min_seconds)
    return [int(p) for p in found[flagged]]


def next_statements(
    vote_counts: Sequence[int] | NDArray[Any],
    voted: Collection[int] = (),
    *,
    created: Sequence[float] | NDArray[Any] | None = None,
    hidden: Collection[int] = (),
    limit: int | None = None,
) -> list[int]:
    """Statement indices in the order to show them to one voter.

    `vote_counts[s]` is how many votes statement s has (one aggregate query), `voted` what this
    voter already voted on (passes too), `hidden` what moderation keeps out; `created` (any
    increasing measure of age, e.g. epoch seconds) breaks ties newest first and defaults to the
    index, statements being numbered in the order they were written.
    """
    counts = np.asarray(vote_counts, dtype=np.int64)
    if counts.ndim != 1:
        raise ValueError(f"vote_counts: expected one count per statement, got {counts.shape}")
    if np.any(counts < 0):
        raise ValueError(f"vote_counts[{int(np.argmax(counts < 0))}]: a count cannot be negative")
    n = len(counts)
    age = np.arange(n, dtype=np.float64) if created is None else np.asarray(created, np.float64)
    if age.shape != counts.shape:
        raise ValueError(f"created: expected one per statement ({n}), got {age.shape}")
    shown = np.ones(n, dtype=bool)
    for name, chosen in (("voted", voted), ("hidden", hidden)):
        for s in chosen:
            if not 0 <= s < n:
                raise ValueError(f"{name}: statement {s} is outside 0..{n - 1}")
            shown[s] = False
    candidates = np.flatnonzero(shown)
    order = candidates[np.lexsort((candidates, -age[candidates], counts[candidates]))]
    if limit is not None:
        if limit < 0:
            raise ValueError(f"limit must be at least 0, got {limit}")
        order = order[:limit]
    return [int(s) for s in order]


def planted_votes(
    n_participants: int,
    n_statements: int,
    *,
    groups: int = 3,
    density: float = 0.05,
    seed: int = 0,
    faithful: float = 0.8,
    pass_rate: float = 0.1,
    consensus_share: float = 0.1,
    activity_spread: float = 0.0,
) -> tuple[Ints, Ints, NDArray[np.int8], Ints]:
    """Synthetic votes with planted groups, for tests, benchmarks and the demo.

    Each participant belongs to one of `groups` (uniformly); each group takes a side (agree or
    disagree, even odds) on each statement, except a `consensus_share` of statements every group
    agrees with. A vote is a pass with `pass_rate`, otherwise the group's side with `faithful`,
    else the other side. Round(n_participants · n_statements · density) (participant, statement)
    pairs are drawn at random, so a few pairs repeat (changed votes; the latest counts);
    `activity_spread` > 0 makes participation lognormal (many vote little, a few a lot).
    Returns participants, statements, votes and each participant's planted group.
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(groups, size=n_participants).astype(np.int64)
    side = rng.choice(np.array([-1, 1], dtype=np.int8), size=(groups, n_statements))
    side[:, rng.random(n_statements) < consensus_share] = 1
    n_votes = round(n_participants * n_statements * density)
    if activity_spread > 0:
        weight = rng.lognormal(0.0, activity_spread, size=n_participants)
        cdf = np.cumsum(weight / weight.sum())
        who = np.minimum(np.searchsorted(cdf, rng.random(n_votes)), n_participants - 1)
    else:
        who = rng.integers(n_participants, size=n_votes)
    who = who.astype(np.int64)
    what = rng.integers(n_statements, size=n_votes).astype(np.int64)
    u = rng.random(n_votes)
    stance = side[truth[who], what]
    vote = np.where(
        u < pass_rate, 0, np.where(u < pass_rate + (1 - pass_rate) * faithful, stance, -stance)
    )
    return who, what, vote.astype(np.int8), truth


__all__ = [
    "METHOD_VERSION",
    "Consensus",
    "Group",
    "OpinionMap",
    "Reason",
    "Repness",
    "compute_map",
    "next_statements",
    "outlier_flags",
    "planted_votes",
]
