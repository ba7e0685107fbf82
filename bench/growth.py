"""How each endpoint grows from one scale to another, read from two results files of bench/run:

    .venv/bin/python bench/growth.py bench/results/DATE-postgresql-0.01.md bench/results/DATE-postgresql-1.md

Issue #16 asks that every list stay within 1.5x from scale 0.01 to 1. Each run's figures are first divided by its own
ceiling (its bare endpoint measured in the same run), so that two runs on a machine whose load moved in between still
compare: growth = (small run's share of its ceiling) / (large run's share of its ceiling), for throughput, and the
same for p50 time the other way round. 1.0 means no growth; above 1.5 misses the target.
"""

from __future__ import annotations

import sys
from pathlib import Path


def rows(path: Path) -> dict[str, dict[str, float]]:
    """endpoint -> req/s and p50 of an endpoint measured under load (in-process figures have none)."""
    found = {}
    for line in path.read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) < 6 or not cells[2] or not cells[2].replace(",", "").replace(".", "").isdigit():
            continue
        found[cells[1]] = {"rps": float(cells[2].replace(",", "")), "p50": float(cells[4])}
    return found


def growth(small: Path, large: Path) -> list[tuple[str, float, float]]:
    before, after = rows(small), rows(large)
    ceiling = "bare JSON (ceiling)"
    if ceiling not in before or ceiling not in after:
        raise SystemExit("both files need the ceiling row")
    result = []
    for name, figures in before.items():
        if name == ceiling or name not in after:
            continue
        share_before = figures["rps"] / before[ceiling]["rps"]
        share_after = after[name]["rps"] / after[ceiling]["rps"]
        time_before = figures["p50"] / before[ceiling]["p50"]
        time_after = after[name]["p50"] / after[ceiling]["p50"]
        result.append((name, share_before / share_after, time_after / time_before))
    return result


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    small, large = Path(sys.argv[1]), Path(sys.argv[2])
    print("| endpoint | throughput growth | p50 growth | within 1.5x |\n|---|---:|---:|---|")
    for name, by_throughput, by_time in growth(small, large):
        verdict = "yes" if max(by_throughput, by_time) <= 1.5 else "**no**"
        print(f"| {name} | {by_throughput:.2f} | {by_time:.2f} | {verdict} |")


if __name__ == "__main__":
    main()
