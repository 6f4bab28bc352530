"""Whole-list assignment: for many open requests at once, the pairing of requests
with volunteers that gives the largest total score, never breaking a hard rule and
never giving a volunteer more than their free places.

Each volunteer's free places (capacity less live matches) become that many columns,
and each request one row; a row may also take its own "nobody" column, so a request
nobody may take stays unassigned. Only the allowed pairs are edges (a sparse graph
over the plausible candidates, not a dense requests × volunteers table), and SciPy's
min_weight_full_bipartite_matching (LAPJVsp) finds the cheapest full matching, where
a pair costs CEILING − score and "nobody" costs CEILING: the cheapest matching is the
one with the largest total score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from volunteers import matching

CEILING = sum(matching.WEIGHTS.values()) + 1.0


@dataclass(frozen=True)
class Pairing:
    request_id: int
    volunteer_id: int
    score: float


def assign(requests: list[tuple[int, matching.Need]],
           candidates: list[matching.Candidate]) -> list[Pairing]:
    """The pairings of the best whole-list assignment (requests left out get none)."""
    columns: list[matching.Candidate] = []
    places: dict[int, list[int]] = {}  # volunteer -> their columns
    for candidate in candidates:
        for _ in range(max(0, candidate.capacity - candidate.live)):
            places.setdefault(candidate.volunteer_id, []).append(len(columns))
            columns.append(candidate)
    rows, cols, costs, scores = [], [], [], {}
    for row, (_request_id, need) in enumerate(requests):
        for candidate in candidates:
            free = places.get(candidate.volunteer_id)
            if not free or matching.blockers(candidate, need):
                continue
            score = matching.score(candidate, need).score
            scores[(row, candidate.volunteer_id)] = score
            for col in free:
                rows.append(row)
                cols.append(col)
                costs.append(CEILING - score)
        rows.append(row)
        cols.append(len(columns) + row)  # this request's "nobody"
        costs.append(CEILING)
    if not requests:
        return []
    graph = csr_matrix((np.array(costs), (np.array(rows), np.array(cols))),
                       shape=(len(requests), len(columns) + len(requests)))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    pairings = []
    for row, col in zip(matched_rows.tolist(), matched_cols.tolist(), strict=True):
        if col < len(columns):
            volunteer_id = columns[col].volunteer_id
            pairings.append(Pairing(requests[row][0], volunteer_id,
                                    scores[(row, volunteer_id)]))
    return pairings
