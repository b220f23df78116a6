"""Dependent rounding of a fractional bipartite assignment (Gandhi et al., "Dependent rounding and its applications",
2006): an integral assignment drawn so that each pair's probability is its fraction.
"""

import numpy as np

# An edge this close to 0 or 1 is settled (the steps are exact up to float rounding).
ROUNDING_TOLERANCE = 1e-9


def round_dependently(fractions, rng: np.random.Generator) -> np.ndarray:
    """A 0/1 matrix (bool) in which each entry is 1 with probability fractions[i, j].

    Gandhi et al.'s dependent rounding on the bipartite graph of rows and columns: while an entry is fractional,
    take a cycle or a maximal path of fractional entries, split it into its alternate edges, and move one set up
    and the other down by the most that keeps every entry in [0, 1], in the direction chosen with the probabilities
    that leave each entry's expectation unchanged. Each step settles at least one entry. A row's or column's sum is
    kept exactly where it is an integer (such a vertex is never the end of a maximal path) and is otherwise rounded
    to its floor or its ceiling.
    """
    values_matrix = np.asarray(fractions, dtype=float)
    if values_matrix.ndim != 2 or not np.all((values_matrix >= 0) & (values_matrix <= 1)):
        raise ValueError("fractions must be a 2-D array of values in [0, 1]")
    result = values_matrix >= 1 - ROUNDING_TOLERANCE
    rows_count = values_matrix.shape[0]
    open_rows, open_columns = np.nonzero(
        (values_matrix > ROUNDING_TOLERANCE) & (values_matrix < 1 - ROUNDING_TOLERANCE)
    )
    values = values_matrix[open_rows, open_columns].tolist()
    ends = list(zip(open_rows.tolist(), (open_columns + rows_count).tolist(), strict=True))
    # Dicts rather than sets, so the walk visits edges in insertion order on every run.
    adjacency: list[dict[int, None]] = [{} for _ in range(rows_count + values_matrix.shape[1])]
    for edge, (row, column) in enumerate(ends):
        adjacency[row][edge] = None
        adjacency[column][edge] = None

    start = 0
    while True:
        while start < len(adjacency) and not adjacency[start]:
            start += 1
        if start == len(adjacency):
            break
        edges = _cycle_or_maximal_path(start, adjacency, ends)
        rising, falling = edges[0::2], edges[1::2]
        up = min([1 - values[edge] for edge in rising] + [values[edge] for edge in falling])
        down = min([values[edge] for edge in rising] + [1 - values[edge] for edge in falling])
        step = up if rng.random() * (up + down) < down else -down
        for edge in rising:
            values[edge] += step
        for edge in falling:
            values[edge] -= step
        for edge in edges:
            if ROUNDING_TOLERANCE < values[edge] < 1 - ROUNDING_TOLERANCE:
                continue
            row, column = ends[edge]
            result[row, column - rows_count] = values[edge] > 0.5
            del adjacency[row][edge]
            del adjacency[column][edge]
    return result


def _cycle_or_maximal_path(start: int, adjacency: list[dict[int, None]], ends: list[tuple[int, int]]) -> list[int]:
    """The edges, in order, of a cycle reached by walking from start or, failing one, of a maximal path."""
    origin, from_dead_end = start, False
    while True:
        position = {origin: 0}
        path: list[int] = []
        vertex, previous = origin, -1
        while True:
            edge = next((edge for edge in adjacency[vertex] if edge != previous), None)
            if edge is None:
                if from_dead_end:
                    return path
                # A dead end: a walk from here ends in a cycle or at another dead end, a maximal path.
                origin, from_dead_end = vertex, True
                break
            first, second = ends[edge]
            vertex = second if first == vertex else first
            path.append(edge)
            if vertex in position:
                return path[position[vertex] :]
            position[vertex] = len(path)
            previous = edge
