"""Plain-text result tables that read the same in Jupyter, Colab, a terminal and a diff."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):  # int and NumPy integers
        return f"{value:,}"
    if isinstance(value, numbers.Real):  # float and NumPy floats (float32 too)
        return f"{value:.4f}" if abs(value) < 1 else f"{value:,.1f}"  # accuracies vs seconds, sizes
    return str(value)


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Format dicts as an aligned text table: ints with separators, floats below 1 to 4 decimals, others to 1."""
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    cells = [[_cell(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    header = "  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True))
    rule = "  ".join("-" * width for width in widths)
    # First column (names) left-aligned, numbers right-aligned.
    body = [
        "  ".join(text.ljust(width) if i == 0 else text.rjust(width) for i, (text, width) in enumerate(pairs))
        for pairs in (list(zip(line, widths, strict=True)) for line in cells)
    ]
    return "\n".join([header, rule, *body])
