"""graph.py: the file and folder graphs of the built objects (nm)."""
import os
import re
import subprocess


def objects(build):
    """Every library object under build/lib and build/formats whose
    source still exists (a moved or deleted file leaves its object)."""
    out = []
    top_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..")
    for top in ("lib", "formats"):
        for d, _, files in os.walk(os.path.join(build, top)):
            out += [os.path.join(d, f) for f in files if f.endswith(".o")]
    return sorted(o for o in out if os.path.exists(
        os.path.join(top_dir, source_of(build, o))))


def source_of(build, obj):
    """build/lib/core/run.o -> lib/core/run.c"""
    return os.path.relpath(obj, build)[:-2] + ".c"


def symbols(obj):
    """(defined globals, undefined) of one object."""
    text = subprocess.run(["nm", obj], capture_output=True, text=True,
                          check=True).stdout
    defined, undefined = set(), set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCVW":
            defined.add(parts[2])
    return defined, undefined


def defs_and_users(build):
    """{file: set(globals it defines)} and {symbol: set(files that use
    it)} over the library: what the name checks (run, names) ask."""
    defs, users = {}, {}
    for o in objects(build):
        src = source_of(build, o)
        d, u = symbols(o)
        defs[src] = d
        for s in u:
            users.setdefault(s, set()).add(src)
    return defs, users


def file_graph(build):
    """{file: set(files whose symbols it uses)} over the library."""
    objs = objects(build)
    owner, uses = {}, {}
    for o in objs:
        d, u = symbols(o)
        src = source_of(build, o)
        uses[src] = u
        for s in d:
            owner[s] = src
    return {f: {owner[s] for s in u if s in owner and owner[s] != f}
            for f, u in uses.items()}


def folder(path):
    """lib/core/run.c -> core; formats/readers/raw.c -> readers."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else parts[0]


def sccs(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_graph(top):
    """{file: set(files it includes)} over lib/, formats/ and tools/."""
    files = []
    for d0 in ("lib", "formats", "tools"):
        for d, _, names in os.walk(os.path.join(top, d0)):
            files += [os.path.relpath(os.path.join(d, n), top)
                      for n in names if n.endswith((".c", ".h"))]
    known = set(files)
    graph = {}
    for f in files:
        with open(os.path.join(top, f), encoding="utf-8",
                  errors="replace") as fh:
            incs = INCLUDE.findall(fh.read())
        graph[f] = set()
        for inc in incs:
            for base in (os.path.dirname(f), "lib", "formats"):
                cand = os.path.normpath(os.path.join(base, inc))
                if cand in known:
                    graph[f].add(cand)
                    break
    return graph
