"""Compare sl-parse's commands with the truth of one session.

What counts as a command on each side:
- truth: the shell's hook (bash history entry, zsh preexec, fish
  fish_preexec): a line the shell executed, with all its lines (loops,
  quotes, here-document bodies as bash's history keeps them).  A line
  cancelled with Ctrl-C never reaches the hook: it did not run.  For dash
  and busybox, which have no hook, the keystroke script's final edited
  lines stand in ("script truth").
- sl: every `line` record with a non-empty `cmd` that is not `cont` starts
  a command (its `expanded` text instead, where history expansion made
  one); `cont` records add a line to it.  A record with `cancelled` or
  `redrawn` true (drawn again before it ran) is not an executed command;
  one with `uncertain` true is flagged (sl says it cannot tell), and so is
  every command of a session that has a note with code `uncertain`.
Lines are compared with white space trimmed at both ends: sl's lines have
no trailing white space, and indentation of continuation lines is display.
Undeterminable items (the bytes cannot say: zsh's silent Ctrl-C, a shell
echoing non-ASCII as '?') are not expected in sl's list; they pass when sl
flags them or leaves them out, never when it lists a guess as a plain
command.
"""

import difflib
import json
import re
import subprocess
import unicodedata

FLAG_FIELDS = ("uncertain",)


def norm(lines):
    return "\n".join(l.strip() for l in lines)


def sl_commands(sl_parse, path, records=None):
    """sl-parse's commands in path: (executed, flagged, status, stderr).

    records, when given, is a file name for sl-parse's output as it is.
    """
    p = subprocess.run([sl_parse, path], capture_output=True)
    if records:
        with open(records, "wb") as f:
            f.write(p.stdout)
    executed, flagged = [], []
    session_flag = False
    current = None
    for raw in p.stdout.splitlines():
        rec = json.loads(raw)
        if rec.get("type") == "note" and rec.get("code") in FLAG_FIELDS:
            session_flag = True
        if rec.get("type") != "line":
            continue
        if rec.get("cont") and current is not None:
            current.append(rec.get("cmd", rec.get("text", "")))
            continue
        cmd = rec.get("cmd")
        if not cmd:
            current = None
            continue
        # After history expansion the shell runs what it echoed, which sl
        # gives as `expanded` next to the typed `cmd`.
        expanded = rec.get("expanded")
        current = [expanded if isinstance(expanded, str) and expanded else cmd]
        if rec.get("cancelled") or rec.get("redrawn"):
            flagged.append(("cancelled", current, len(executed)))
        elif any(rec.get(f) for f in FLAG_FIELDS):
            flagged.append(("uncertain", current, len(executed)))
        else:
            executed.append(current)
    if session_flag:
        flagged += [("uncertain", c, len(executed)) for c in executed]
    return ([norm(c) for c in executed], [(k, norm(c), i) for k, c, i in flagged],
            p.returncode, p.stderr.decode("utf-8", "replace"))


def truth_commands(summary):
    """[(text, item)] of what ran, and the undeterminable items."""
    items = summary["items"]
    scripted = [(norm(i["lines"]), i) for i in items
                if i["lines"] and not i["cancelled"]]
    undet = [i for i in items if i["undeterminable"]]
    if summary["hook"] is None:
        ran = [(t, i) for t, i in scripted if not i["undeterminable"]]
        return ran, undet, []
    hooked = [norm(c) for c in summary["hook"]]
    # Features come from the script item the hook's command matches.
    ran, script_diff = [], []
    sm = difflib.SequenceMatcher(None, [t for t, _ in scripted], hooked, autojunk=False)
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal":
            ran += [(hooked[b1 + k], scripted[a1 + k][1]) for k in range(a2 - a1)]
        else:
            ran += [(hooked[b], {"features": ["unscripted"], "undeterminable": None})
                    for b in range(b1, b2)]
            script_diff.append({"script": [t for t, _ in scripted[a1:a2]],
                                "hook": hooked[b1:b2]})
    ran = [(t, i) for t, i in ran if not i.get("undeterminable")]
    return ran, undet, script_diff


# busybox writes nothing at Enter when its cursor is at column 0
# (lineedit.c goto_new_line): a line typed to exactly the width, which
# busybox itself wrapped (CR LF), then the command's first output line,
# are the same bytes as a command typed on past the wrap.
EXACT_WIDTH = "exact-width"
BUSYBOX_PS2 = 2            # "> "
_ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]")


def _width(text):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def busybox_prompt_widths(pty):
    """Widths of busybox's prompts in the pty bytes: the text on the row
    before each cursor query (busybox asks for the cursor at every prompt)."""
    widths = set()
    for chunk in pty.split(b"\x1b[6n")[:-1]:
        row = re.split(rb"[\r\n]", _ANSI.sub(b"", chunk))[-1]
        widths.add(_width(row.decode("utf-8", "replace")))
    return widths


def mark_exact_width(summary, pty):
    """The summary with busybox's lines typed to exactly a multiple of the
    width marked undeterminable (EXACT_WIDTH); other set-ups unchanged."""
    if summary.get("shell") != "busybox" or pty is None:
        return summary
    widths, cols = busybox_prompt_widths(pty), summary["cols"]
    items = []
    for item in summary["items"]:
        lines = item["lines"] or []
        exact = any(w > 0 and (p + w) % cols == 0
                    for k, line in enumerate(lines)
                    for w in [_width(line)]
                    for p in (widths if k == 0 else {BUSYBOX_PS2}))
        if exact and not item["cancelled"] and not item["undeterminable"]:
            item = dict(item, undeterminable=EXACT_WIDTH)
        items.append(item)
    return dict(summary, items=items)


def _shown(item):
    """How an undeterminable or cancelled item might appear as a command."""
    forms = set()
    for text in (item.get("shown") or []) + (item["lines"] or []):
        forms.add(text.strip())
        forms.add("".join("?" if ord(c) > 127 else c for c in text).strip())
    return forms


def _as_shown(command):
    """A listed command as _shown spells it: without the ^C echo."""
    command = command.strip()
    while command.endswith("^C"):
        command = command[:-2].rstrip()
    return command


def _in_order(executed, flagged):
    """sl's commands in record order: (text, flagged uncertain)."""
    unc = [(f[2], f[1]) for f in flagged if f[0] == "uncertain"]
    seq, u = [], 0
    for idx in range(len(executed) + 1):
        while u < len(unc) and unc[u][0] <= idx:
            seq.append((unc[u][1], True))
            u += 1
        if idx < len(executed):
            seq.append((executed[idx], False))
    return seq


# Scores of a pair in _align: a plain command must equal what ran; a
# flagged one stands for whatever ran at its place.  Of alignments as good,
# the one nearest the text matcher's is taken (a tie-breaker only: all of
# them sum below 1).
RIGHT, STANDS_FOR, AS_DIFFLIB = 2.0, 1.0, 1e-4


def _text_pairs(want, seq):
    """The pairs the text matcher makes: equal runs, and in the runs that
    differ, the flagged commands in turn for the commands that ran."""
    sm = difflib.SequenceMatcher(None, want, [t for t, _ in seq], autojunk=False)
    pairs = set()
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal":
            pairs |= {(a1 + k, b1 + k) for k in range(a2 - a1)}
            continue
        flagged_here = [b for b in range(b1, b2) if seq[b][1]]
        pairs |= set(zip(range(a1, a2), flagged_here))
    return pairs


def _align(want, seq):
    """Pairs (i, j) of what ran want[i] with sl's command seq[j], in order.

    One alignment over both kinds, so that places hold: a plain command
    pairs only with an equal one, a flagged one with any command (the
    bytes could not say which), and as many pair as can.  The text
    matcher alone lined a flagged row up by its text with the wrong
    command (fish's pager shows the last command again) and left the
    command that ran there unaccounted; placing the flagged rows apart
    from the plain ones lost the order of repeated commands (bash-sh).
    Where the matcher's pairs are as good, they are kept.
    """
    n, m = len(want), len(seq)
    liked = _text_pairs(want, seq)

    def gain(i, j):
        text, unsure = seq[j]
        if not unsure and text != want[i]:
            return None
        return (STANDS_FOR if unsure else RIGHT) + (AS_DIFFLIB if (i, j) in liked else 0.0)

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            g = gain(i, j)
            best[i][j] = max(best[i + 1][j], best[i][j + 1],
                             -1.0 if g is None else g + best[i + 1][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        g = gain(i, j)
        if g is not None and best[i][j] == g + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _listed_nowhere(n_want, seq, pairs):
    """How many of the n_want commands that ran sl lists nowhere.

    A command that ran and is not paired is wrong where sl lists a plain
    command of its own at that place (between the pairs around it), and
    missing where it does not: for an audit the worse of the two, as the
    listing gives no hint that anything ran there.
    """
    bounds = [(-1, -1)] + sorted(pairs) + [(n_want, len(seq))]
    missing = 0
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        ran_here = i1 - i0 - 1
        plain_here = sum(1 for j in range(j0 + 1, j1) if not seq[j][1])
        missing += max(0, ran_here - plain_here)
    return missing


def compare(summary, executed, flagged):
    """Score one session's sl commands against its truth."""
    ran, undet, script_diff = truth_commands(summary)
    undet_forms = set()
    for item in undet:
        undet_forms |= _shown(item)
    # A line of exactly the width listed as typed is what ran, shown by
    # the bytes (busybox redrew it, or wrote its Enter): not a guess.
    as_typed = {norm(i["lines"]) for i in undet if i["undeterminable"] == EXACT_WIDTH}
    want = [t for t, _ in ran]
    seq = _in_order(executed, flagged)
    ok = [False] * len(want)
    # A command that ran and that sl lists flagged (uncertain: the bytes
    # cannot tell whether or what ran) is neither right nor wrong: it is
    # counted apart, so the rate is over what the bytes determine.  A
    # flagged line stands for the command at its place (_align).
    unsure = [False] * len(want)
    paired = set()
    pairs = _align(want, seq)
    for i, j in pairs:
        ok[i], unsure[i] = not seq[j][1], seq[j][1]
        paired.add(j)
    missing = _listed_nowhere(len(want), seq, pairs)
    left = [(j, t) for j, (t, u) in enumerate(seq) if not u and j not in paired]
    extra = [t for _, t in left if t not in as_typed]
    # sl's commands after the last `stty -echo` it lists: where output
    # typed blind would be taken for a command.
    echo_off_at = max([b for b, (t, _) in enumerate(seq) if "stty -echo" in t],
                      default=len(seq))
    blind = [t for j, t in left if j > echo_off_at]
    # A guessed undeterminable command is counted against that item,
    # not as a spurious command of its own.
    guessed = [_as_shown(e) for e in extra if _as_shown(e) in undet_forms]
    spurious = [e for e in extra if _as_shown(e) not in undet_forms]
    per_item, flagged_items = [], []
    for (text, item), good, flag in zip(ran, ok, unsure):
        if not flag:
            per_item.append((item["features"], good))
        flagged_items.append((item["features"], flag))
    flagged_ran = sum(unsure)
    for item in undet:
        # Tabled by class, apart from the features' rates.  A line typed
        # blind (echo off) shows as nothing, so a guess there is the
        # command's output taken for a command: any spurious one after
        # the stty -echo.
        good = not (_shown(item) & set(guessed))
        if item["undeterminable"] == "no-echo":
            good = good and not blind
        if item["undeterminable"] == EXACT_WIDTH:
            # Wrong is the line with output glued on, listed plain.
            good = not any(e.startswith(norm(item["lines"])) for e in spurious)
        per_item.append(([item["undeterminable"] + "*"], good))
    cancelled = [i for i in summary["items"] if i["cancelled"] and not i["undeterminable"]]
    for item in cancelled:
        # A cancelled line listed as a command is the cancel feature failing.
        good = not (_shown(item) & {_as_shown(s) for s in spurious})
        per_item.append((item["features"], good))
    return {"commands": len(want) - flagged_ran, "correct": sum(ok),
            "flagged_ran": flagged_ran, "missing": missing, "spurious": spurious,
            "undeterminable": len(undet),
            "undeterminable_ok": sum(1 for f, g in per_item if f and f[0].endswith("*") and g),
            "per_item": per_item, "flagged_items": flagged_items,
            "script_diff": script_diff,
            "exact": sum(ok) + flagged_ran == len(want) and not spurious
                     and all(g for _, g in per_item),
            "diff": list(difflib.unified_diff([one_line(w) for w in want],
                                               [one_line(e) for e in executed],
                                               "truth", "sl-parse", lineterm="", n=1))}


def one_line(command):
    """A multi-line command on one line of the diff."""
    return command.replace("\n", " \u23ce ")
