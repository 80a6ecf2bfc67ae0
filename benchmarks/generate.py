"""Write N synthetic incidents (seeded) as CSV: a realistic mix of levels, event types and dates.

python benchmarks/generate.py 100000 /tmp/incidents-100k.csv
"""

from __future__ import annotations

import csv
import random
import sys

LEVELS = (
    ["federal"] * 4
    + ["provincial"] * 3
    + ["municipal"] * 3
    + ["territorial", "other", "unknown", ""]
)
EVENTS = ["general_election"] * 4 + [
    "nomination_contest",
    "leadership_race",
    "leadership_race",
    "by_election",
    "referendum",
    "non_electoral",
    "unknown",
    "",
]
ACTORS = ["PRC", "Russia", "India", "Iran", "proxy group", "unidentified"]
TACTICS = ["disinformation", "clandestine funding", "memberships", "intimidation", "cyber"]
EVIDENCE = ["intelligence", "allegation", "official_finding", "adjudicated", "unknown", ""]
HEADER = [
    "id",
    "title",
    "date",
    "level",
    "event_type",
    "jurisdiction",
    "event",
    "actor",
    "tactic",
    "target",
    "summary",
    "evidence",
    "sources",
    "notes",
]


def date_text(rng: random.Random) -> str:
    year = rng.randint(2015, 2024)
    kind = rng.random()
    if kind < 0.08:
        return ""
    if kind < 0.3:
        return str(year)
    if kind < 0.55:
        return f"{year}-{rng.randint(1, 12):02d}"
    if kind < 0.9:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"{year}-{rng.randint(1, 12):02d}/{year + rng.randint(0, 2)}"


def rows(n: int, seed: int = 2023):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield [
            f"G-{i:07d}",
            f"Synthetic incident {i}",
            date_text(rng),
            rng.choice(LEVELS),
            rng.choice(EVENTS),
            rng.choice(["Canada", "British Columbia", "Ontario", "Vancouver", "Toronto", ""]),
            "",
            "; ".join(rng.sample(ACTORS, rng.randint(0, 2))),
            "; ".join(rng.sample(TACTICS, rng.randint(0, 3))),
            "",
            "A generated summary of the incident, long enough to look like a paragraph of text.",
            rng.choice(EVIDENCE),
            f"https://example.org/source/{i}",
            "",
        ]


def main() -> None:
    n, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(n))


if __name__ == "__main__":
    main()
