"""splits.py: the subsystems split into files, as ARCHITECTURE.md lists
them ("### SOURCE and its parts": its files in call order and its one
internal header) with the prefixes of the names that cross their files
(its table "Names that cross files").  Read by arch/run and arch/names."""
import os
import re
from collections import namedtuple

Split = namedtuple("Split", "source files header prefixes")
HEADING = re.compile(r"### (\S+) and its parts\s*$")
PREFIX_TABLE = "| subsystem | its names start with"


def _cells(ln):
    return [c.strip() for c in ln.strip().strip("|").split("|")]


def subsystems(top):
    """[Split] in the order ARCHITECTURE.md gives them; header None when
    its table lists none, prefixes [] when the prefix table has no row."""
    tables, cur, prefixes, in_prefixes = [], None, {}, False
    with open(os.path.join(top, "ARCHITECTURE.md"), encoding="utf-8") as f:
        for ln in f:
            m = HEADING.match(ln)
            if m:
                cur = (m.group(1), [], [])
                tables.append(cur)
                continue
            if ln.startswith(PREFIX_TABLE):
                in_prefixes = True
            elif in_prefixes and not ln.startswith("|"):
                in_prefixes = False
            elif in_prefixes and ln.startswith("| `"):
                c = _cells(ln)
                prefixes[c[0].strip("`")] = re.findall(r"`(\w+)`", c[1])
            if cur is not None and ln.startswith("| `"):
                name = ln.split("`")[1]
                (cur[1] if name.endswith(".c") else cur[2]).append(name)
            elif cur is not None and cur[1] and not ln.startswith("|"):
                cur = None      # the table has ended
    return [Split(src, files, hdrs[0] if len(hdrs) == 1 else None,
                  prefixes.get(src, []))
            for src, files, hdrs in tables]
