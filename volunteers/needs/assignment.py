"""Whole-list assignment: for many open requests at once, the pairing of requests
with volunteers that gives the largest total score, never breaking a hard rule and
never giving a volunteer more than their free places.

Each volunteer's free places (capacity less live matches and proposals waiting for
an answer) become that many columns, and each request one row; a row may also take
its own "nobody" column, so a request nobody may take stays unassigned. SciPy's
min_weight_full_bipartite_matching (LAPJVsp) finds the cheapest full matching, where
a pair costs CEILING − score and "nobody" costs CEILING: the cheapest matching is the
one with the largest total score.

The scores of all pairs come at once from matching.score_table. A tutor who does not
teach the subject a request asks for is never paired with it (matching.fitting), only
offered after those who do, for the coordinator to choose. The graph keeps,
for each request, only its best allowed volunteers until their free places add up
to the number of requests. That loses nothing: if the best assignment gave a request
someone further down, at least one of those places would still be free (the other
requests fill fewer than that), and moving the request there scores no less.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from volunteers.needs import matching

CEILING = sum(matching.WEIGHTS.values()) + 1.0


@dataclass(frozen=True)
class Pairing:
    request_id: int
    volunteer_id: int
    score: float


def assign(requests: list[tuple[int, matching.Need]],
           candidates: list[matching.Candidate]) -> list[Pairing]:
    """The pairings of the best whole-list assignment (requests left out get none)."""
    return assign_with_options(requests, candidates, 0)[0]


def assign_with_options(requests: list[tuple[int, matching.Need]],
                        candidates: list[matching.Candidate], alternatives: int):
    """The best assignment, and for each request its best allowed volunteers
    (at most `alternatives`, as (volunteer_id, score)) to choose from instead."""
    options: dict[int, list[tuple[int, float]]] = {}
    if not requests:
        return [], options
    pool = matching.Pool(candidates)
    free = np.maximum(pool.free, 0)
    first_column = np.concatenate(([0], np.cumsum(free)))  # candidate -> their first place
    places = int(first_column[-1])
    rows, cols, costs = [], [], []
    table = {}
    for row, (_request_id, need) in enumerate(requests):
        scores = matching.score_table(pool, need)
        fits = matching.fitting(pool, need)
        allowed = np.flatnonzero(~np.isnan(scores) & (free > 0))
        if allowed.size:
            # those who teach the subject first, then by score; only they are paired
            best = allowed[np.lexsort((-scores[allowed], ~fits[allowed]))]
            options[requests[row][0]] = [(candidates[i].volunteer_id, float(scores[i]))
                                         for i in best[:alternatives].tolist()]
            best = best[fits[best]]
            enough = np.searchsorted(np.cumsum(free[best]), len(requests)) + 1
            best = best[:enough]
            table[row] = scores
            counts = free[best]
            total = int(counts.sum())
            within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            rows.append(np.full(total, row))
            cols.append(np.repeat(first_column[best], counts) + within)
            costs.append(np.repeat(CEILING - scores[best], counts))
        rows.append(np.array([row]))
        cols.append(np.array([places + row]))  # this request's "nobody"
        costs.append(np.array([CEILING]))
    graph = csr_matrix((np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(len(requests), places + len(requests)))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    owner = np.repeat(np.arange(len(candidates)), free)  # place -> candidate
    pairings = []
    for row, col in zip(matched_rows.tolist(), matched_cols.tolist(), strict=True):
        if col < places:
            index = int(owner[col])
            pairings.append(Pairing(requests[row][0], candidates[index].volunteer_id,
                                    float(table[row][index])))
    return pairings, options
