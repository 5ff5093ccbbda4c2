import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from massline.analysis.opinion_map import (
    METHOD_VERSION,
    Reason,
    compute_map,
    next_statements,
    outlier_flags,
    planted_votes,
)

A, D, P = 1, -1, 0

# Two camps of four over seven statements; everyone votes on everything, so nobody is imputed.
#   s0: camp one agrees, camp two disagrees     s1: the other way round
#   s2, s6: everyone agrees                       s4: everyone disagrees     s5: everyone passes
#   s3: three of camp one agree, participant 3 and all of camp two pass
CAMPS = {
    0: [A, D, A, A, D, P, A],
    1: [A, D, A, A, D, P, A],
    2: [A, D, A, A, D, P, A],
    3: [A, D, A, P, D, P, A],
    4: [D, A, A, P, D, P, A],
    5: [D, A, A, P, D, P, A],
    6: [D, A, A, P, D, P, A],
    7: [D, A, A, P, D, P, A],
}


def rows(table):
    return [(p, s, v) for p, votes in table.items() for s, v in enumerate(votes)]


def test_two_camps_form_two_groups_numbered_from_the_one_with_the_lowest_participant():
    opinion_map = compute_map(rows(CAMPS), 8, 7)
    assert [g.members.tolist() for g in opinion_map.groups] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert opinion_map.left_out == {}
    # The three identical members of camp one sit together, participant 3 a little apart;
    # k = 2 beats k = 3 (which would cut participant 3 off alone).
    assert set(opinion_map.silhouettes) == {2, 3}
    assert opinion_map.silhouette == opinion_map.silhouettes[2] > opinion_map.silhouettes[3]
    x0, y0, group = opinion_map.place(0)
    assert group == 0 and opinion_map.place(7)[2] == 1
    assert opinion_map.place(1)[:2] == (x0, y0)


def test_representative_statements_by_hand():
    """Pol.is's statistics, worked by hand for camp one (rest = camp two, 4 votes each):

    s0, agree 4 of 4 against 0 of 4: p = 5/6, p_rest = 1/6, ratio = 5,
      z_p = 2·√5·(5/5 - 1/2) = √5 ≈ 2.236,
      z_ratio = (5/5 - 1/5) / √(0.6·0.4·(1/5 + 1/5)) = 0.8 / √0.096 ≈ 2.582,
      metric = 5 · 2.582 · 5/6 · 2.236 ≈ 24.06. s1 disagree is the mirror image: the same figures.
    s3, agree 3 of 4 against 0 of 4: p = 4/6, ratio = 4, z_p = 2·√5·(4/5 - 1/2) ≈ 1.342,
      z_ratio = 0.6 / √(0.5·0.5·0.4) ≈ 1.897, metric ≈ 6.79; both tests pass 1.2816.
    s2, s4, s5, s6: both camps vote alike, ratio 1 and z_ratio 0: not representative.
    """
    one, two = compute_map(rows(CAMPS), 8, 7).groups
    assert [(r.statement, r.direction) for r in one.representative] == [
        (0, "agree"),
        (1, "disagree"),
        (3, "agree"),
    ]
    s0, s1, s3 = one.representative
    assert (s0.n_success, s0.n_seen) == (4, 4)
    assert s0.p == pytest.approx(5 / 6) and s0.p_rest == pytest.approx(1 / 6)
    assert s0.ratio == pytest.approx(5)
    assert s0.z_p == pytest.approx(5**0.5)
    assert s0.z_ratio == pytest.approx(0.8 / 0.096**0.5)
    assert s0.metric == pytest.approx(24.06, abs=0.01)
    assert s1.metric == pytest.approx(s0.metric)
    assert (s3.n_success, s3.p, s3.ratio) == (3, pytest.approx(4 / 6), pytest.approx(4))
    assert s3.z_p == pytest.approx(1.342, abs=0.001)
    assert s3.z_ratio == pytest.approx(1.897, abs=0.001)
    assert s3.metric == pytest.approx(6.79, abs=0.01)
    assert all(r.significant for r in one.representative)
    # Camp two: s1 agree (what it agrees with comes first, as in Pol.is), then s0 disagree.
    # s3 is no reason for camp two: it passed, and a pass is neither side.
    assert [(r.statement, r.direction) for r in two.representative] == [
        (1, "agree"),
        (0, "disagree"),
    ]


def test_consensus_is_what_every_group_agrees_with_by_the_product_of_their_agree_rates():
    """s2 and s6: each camp agrees 4 of 4, p = 5/6 in each, score (5/6)² = 25/36; s4 (all
    disagree) and s5 (all pass) are no consensus, nor s0, s1, s3 (one camp does not agree)."""
    opinion_map = compute_map(rows(CAMPS), 8, 7)
    assert [c.statement for c in opinion_map.consensus] == [2, 6]
    assert opinion_map.consensus[0].score == pytest.approx(25 / 36)
    assert opinion_map.consensus[0].p_agree == (pytest.approx(5 / 6), pytest.approx(5 / 6))
    assert opinion_map.consensus_scores[0] == pytest.approx(5 / 6 * 1 / 6)
    assert opinion_map.consensus_scores[5] == pytest.approx(1 / 6 * 1 / 6)


def test_the_latest_vote_on_a_statement_counts():
    """Participant 5 turns from agreeing with s2 to disagreeing: camp two agrees 3 of 4, so s2's
    consensus falls from (5/6)² to 5/6 · 4/6; changing back restores it."""
    turned = compute_map([*rows(CAMPS), (5, 2, D)], 8, 7, k_max=2)
    assert turned.groups[1].members.tolist() == [4, 5, 6, 7]
    assert turned.consensus_scores[2] == pytest.approx(5 / 6 * 4 / 6)
    back = compute_map([*rows(CAMPS), (5, 2, D), (5, 2, A)], 8, 7, k_max=2)
    assert back.consensus_scores[2] == pytest.approx(25 / 36)


def test_a_participant_under_min_votes_is_left_out_and_reported():
    table = {p: CAMPS[p] for p in range(8)}
    votes = [v for v in rows(table) if not (v[0] == 5 and v[1] == 6)]
    opinion_map = compute_map(votes, 10, 7)
    assert opinion_map.left_out == {
        5: Reason.TOO_FEW_VOTES,
        8: Reason.TOO_FEW_VOTES,
        9: Reason.TOO_FEW_VOTES,
    }
    assert opinion_map.place(5) is None
    assert 5 not in opinion_map.groups[1].members
    assert compute_map(votes, 10, 7, min_votes=6).place(5) is not None


def test_with_fewer_statements_than_min_votes_voting_on_all_of_them_is_enough():
    votes = [(p, s, v) for p, s, v in rows(CAMPS) if s < 3]
    opinion_map = compute_map(votes, 8, 3)
    assert opinion_map.left_out == {}
    assert len(opinion_map.groups) == 2


def test_excluded_participants_are_left_out_and_their_votes_do_not_count():
    opinion_map = compute_map(rows(CAMPS), 8, 7, exclude=[0, 1])
    assert opinion_map.left_out == {0: Reason.EXCLUDED, 1: Reason.EXCLUDED}
    assert [g.members.tolist() for g in opinion_map.groups] == [[4, 5, 6, 7], [2, 3]]
    assert opinion_map.groups[1].representative[0].n_seen == 2
    flagged = compute_map(rows(CAMPS), 8, 7, exclude={3: Reason.VOTES_TOO_FAST})
    assert flagged.left_out == {3: "votes_too_fast"}


def test_the_same_votes_and_seed_give_the_same_map_whatever_the_order_of_the_votes():
    p, s, v, _ = planted_votes(400, 80, groups=3, density=0.3, seed=3)
    first = compute_map((p, s, v), 400, 80, seed=5)
    again = compute_map((p.copy(), s.copy(), v.copy()), 400, 80, seed=5)
    distinct = {(int(a), int(b)): int(c) for a, b, c in zip(p, s, v, strict=True)}
    shuffled = list(distinct.items())
    np.random.default_rng(0).shuffle(shuffled)
    reordered = compute_map([(a, b, c) for (a, b), c in shuffled], 400, 80, seed=5)
    for other in (again, reordered):
        assert np.array_equal(first.participants, other.participants)
        assert np.array_equal(first.xy, other.xy)
        assert np.array_equal(first.labels, other.labels)
        assert [g.representative for g in first.groups] == [g.representative for g in other.groups]
        assert first.consensus == other.consensus
        assert first.silhouettes == other.silhouettes


def oracle(p, s, v, truth, n_participants, n_statements, groups):
    """What knowing the planted groups buys: each group's majority side per statement (from the
    planted labels), then each participant put in the group whose sides their votes match best.
    No method that sees only the votes can do much better, so it bounds what to ask of the map."""
    latest = {}
    for a, b, c in zip(p.tolist(), s.tolist(), v.tolist(), strict=True):
        latest[(a, b)] = c
    matrix = np.zeros((n_participants, n_statements))
    for (a, b), c in latest.items():
        matrix[a, b] = c
    sides = np.sign(np.stack([matrix[truth == g].sum(axis=0) for g in range(groups)]))
    return np.argmax(matrix @ sides.T, axis=1)


@pytest.mark.parametrize(("groups", "seed"), [(2, 0), (3, 1), (4, 2), (5, 3)])
def test_planted_groups_are_recovered_nearly_as_well_as_by_an_oracle(groups, seed):
    """Bound: adjusted Rand index within 0.05 of the oracle above. With 60 votes a participant
    on 200 statements the oracle reaches 0.97-1.00 on these seeds (the map: 0.97-1.00), while
    merging two of 3-5 planted groups scores 0.57-0.80, so a wrong k or a broken projection
    fails it."""
    n, m = 1500, 200
    p, s, v, truth = planted_votes(n, m, groups=groups, density=0.3, seed=seed)
    opinion_map = compute_map((p, s, v), n, m, seed=seed)
    assert len(opinion_map.groups) == groups
    found = adjusted_rand_score(truth[opinion_map.participants], opinion_map.labels)
    best = adjusted_rand_score(truth, oracle(p, s, v, truth, n, m, groups))
    assert found >= best - 0.05


def test_no_votes_give_an_empty_map_with_everyone_left_out():
    opinion_map = compute_map([], 3, 5)
    assert opinion_map.groups == () and opinion_map.consensus == ()
    assert opinion_map.left_out == dict.fromkeys(range(3), Reason.TOO_FEW_VOTES)
    assert opinion_map.silhouette is None and len(opinion_map.xy) == 0
    assert compute_map([], 0, 0).groups == ()


def test_one_participant_is_one_group_of_one():
    opinion_map = compute_map([(0, s, A) for s in range(7)], 1, 7, max_consensus=10)
    (group,) = opinion_map.groups
    assert group.members.tolist() == [0]
    assert opinion_map.silhouette is None
    assert [c.statement for c in opinion_map.consensus] == list(range(7))
    assert len(compute_map([(0, s, A) for s in range(7)], 1, 7).consensus) == 5


def test_all_passes_give_one_group_and_no_statement_to_show_for_it():
    votes = [(p, s, P) for p in range(6) for s in range(7)]
    opinion_map = compute_map(votes, 6, 7)
    (group,) = opinion_map.groups
    assert group.members.tolist() == list(range(6))
    assert opinion_map.consensus == ()
    assert opinion_map.explained_variance == (0.0, 0.0)
    assert all(not r.significant for r in group.representative)


def test_fewer_participants_than_k_max_caps_k():
    votes = [v for v in rows(CAMPS) if v[0] in (0, 4, 5)]
    opinion_map = compute_map(votes, 8, 7, k_max=5)
    assert set(opinion_map.silhouettes) == {2}
    assert [g.members.tolist() for g in opinion_map.groups] == [[4, 5], [0]]
    two = compute_map([v for v in rows(CAMPS) if v[0] in (0, 4)], 8, 7)
    assert [g.members.tolist() for g in two.groups] == [[0, 4]]


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([(0, 0, 2)], r"votes\[0\]: vote 2 is not -1"),
        ([(0, 0, 1), (3, 0, 1)], r"votes\[1\]: participant 3 is outside 0\.\.2"),
        ([(0, 9, 1)], r"votes\[0\]: statement 9 is outside 0\.\.4"),
        ([(0, -1, 1)], r"statement -1 is outside"),
        ((np.array([0.5]), np.array([0]), np.array([1])), r"participant must be integers"),
        ((np.array([0, 1]), np.array([0]), np.array([1])), r"equal length"),
        ([(0, 1)], r"expected \(participant, statement, vote\) triples"),
    ],
)
def test_malformed_votes_raise_a_value_error_that_names_the_row(votes, message):
    with pytest.raises(ValueError, match=message):
        compute_map(votes, 3, 5)


def test_bad_settings_raise_a_value_error_that_names_them():
    with pytest.raises(ValueError, match="k_max must be at least 1"):
        compute_map([], 3, 5, k_max=0)
    with pytest.raises(ValueError, match="min_votes must be at least 1"):
        compute_map([], 3, 5, min_votes=0)
    with pytest.raises(ValueError, match=r"exclude: participant 7 is outside 0\.\.2"):
        compute_map([], 3, 5, exclude=[7])


def test_the_map_cannot_be_changed_by_its_reader():
    opinion_map = compute_map(rows(CAMPS), 8, 7)
    with pytest.raises(ValueError, match="read-only"):
        opinion_map.xy[0, 0] = 1.0
    with pytest.raises(TypeError):
        opinion_map.left_out[0] = "excluded"


def test_outliers_who_agree_or_disagree_with_everything_are_flagged():
    votes = [(0, s, A) for s in range(7)]
    votes += [(1, s, D) for s in range(7)] + [(1, 7, P)]
    votes += [(2, s, A) for s in range(6)]
    votes += [(3, s, A if s else D) for s in range(8)]
    votes += [(4, s, P) for s in range(8)] + [(4, 0, A)]
    votes += [(5, s, A) for s in range(7)] + [(5, 0, D)]
    assert outlier_flags(votes) == {
        0: Reason.AGREES_WITH_EVERYTHING,
        1: Reason.DISAGREES_WITH_EVERYTHING,
    }
    assert outlier_flags(votes, min_votes=6) == {
        0: Reason.AGREES_WITH_EVERYTHING,
        1: Reason.DISAGREES_WITH_EVERYTHING,
        2: Reason.AGREES_WITH_EVERYTHING,
    }
    assert outlier_flags(votes, uniform=False) == {}


def test_voting_faster_than_one_could_read_is_flagged_by_the_median_pause():
    votes = [(0, s, (-1) ** s) for s in range(8)] + [(1, s, (-1) ** s) for s in range(8)]
    votes += [(2, s, 1) for s in range(3)]
    clicking = [1000.0 + 0.5 * s for s in range(8)]
    reading = [1000.0 + 12 * s for s in range(7)] + [1085.0]
    reading[3] = reading[2] + 0.3
    times = clicking + reading + [0.0, 0.1, 0.2]
    assert outlier_flags(votes, times) == {0: Reason.VOTES_TOO_FAST}
    assert outlier_flags(votes, times, min_seconds_per_vote=20) == {
        0: Reason.VOTES_TOO_FAST,
        1: Reason.VOTES_TOO_FAST,
    }
    with pytest.raises(ValueError, match=r"timestamps: expected one per vote \(19\)"):
        outlier_flags(votes, times[:-1])
    with pytest.raises(ValueError, match="timestamps: expected seconds as numbers"):
        outlier_flags(votes, ["2026-12-07 10:00"] * 19)


def test_flags_feed_exclude():
    votes = [*rows(CAMPS), *((8, s, A) for s in range(7))]
    flags = outlier_flags(votes)
    assert flags == {8: Reason.AGREES_WITH_EVERYTHING}
    assert compute_map(votes, 9, 7, exclude=flags).left_out == {8: "agrees_with_everything"}


def test_a_voter_sees_statements_with_fewest_votes_first_and_new_ones_before_old():
    counts = [30, 0, 5, 0, 5, 12]
    assert next_statements(counts) == [3, 1, 4, 2, 5, 0]
    assert next_statements(counts, voted=[3], hidden=[2]) == [1, 4, 5, 0]
    created = [1.0, 9.0, 3.0, 2.0, 4.0, 5.0]
    assert next_statements(counts, created=created, limit=3) == [1, 3, 4]
    assert next_statements([]) == []
    with pytest.raises(ValueError, match=r"voted: statement 6 is outside 0\.\.5"):
        next_statements(counts, voted=[6])
    with pytest.raises(ValueError, match=r"vote_counts\[1\]: a count cannot be negative"):
        next_statements([1, -1])


def test_the_map_as_json_keeps_groups_statements_and_who_was_left_out():
    votes = [*rows(CAMPS), (8, 0, A)]
    stored = json.loads(json.dumps(compute_map(votes, 9, 7).as_dict()))
    assert stored["version"] == METHOD_VERSION
    assert [g["members"] for g in stored["groups"]] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    first = stored["groups"][0]["representative"][0]
    assert (first["statement"], first["direction"], first["n_success"]) == (0, "agree", 4)
    assert [c["statement"] for c in stored["consensus"]] == [2, 6]
    assert stored["left_out"] == {"8": "too_few_votes"}
    assert len(stored["xy"]) == len(stored["labels"]) == 8


def test_small_random_conversations_always_give_a_consistent_map():
    """Every participant is either on the map in exactly one group or left out with a reason;
    no small or degenerate input (one statement, one voter, k_max 1) crashes."""
    rng = np.random.default_rng(11)
    for _ in range(300):
        n, m = int(rng.integers(0, 9)), int(rng.integers(0, 9))
        size = int(rng.integers(0, 40)) if n and m else 0
        who, what = rng.integers(0, max(n, 1), size), rng.integers(0, max(m, 1), size)
        votes = np.stack([who, what, rng.integers(-1, 2, size)], axis=1)
        k_max, min_votes = int(rng.integers(1, 6)), int(rng.integers(1, 8))
        opinion_map = compute_map(votes, n, m, k_max=k_max, min_votes=min_votes, seed=1)
        members = sorted(int(p) for g in opinion_map.groups for p in g.members)
        assert members == opinion_map.participants.tolist()
        assert set(members).isdisjoint(opinion_map.left_out)
        assert len(members) + len(opinion_map.left_out) == n
        assert len(opinion_map.groups) <= max(k_max, 1)
        for g in opinion_map.groups:
            assert all(opinion_map.place(int(p))[2] == g.id for p in g.members)
