"""One session: a shell set-up, a seed, keys, bytes, logs and the truth."""

import json
import os
import random
import re
import shutil
import tempfile

import agent
import drive
import keys
import shells


def terminal_size(setup, seed):
    rng = random.Random("size/%s/%d" % (setup.name, seed))
    return rng.randrange(40, 201), rng.randrange(20, 61)


def _hook_entries(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return []
    return [e.decode("utf-8", "replace") for e in raw.split(b"\0")[:-1]]


_BASH_HISTORY = re.compile(r"\s*(\d+)[ *] (.*)", re.S)


def hook_commands(setup, path, exited):
    """The commands the shell's hook saw run, each a list of lines."""
    entries = _hook_entries(path)
    cmds = []
    if setup.shell == "bash":
        # history 1 before each prompt that follows a command that ran.
        for e in entries:
            m = _BASH_HISTORY.match(e)
            if m:
                cmds.append(m.group(2))
        if exited:
            cmds.append("exit")  # exit runs no PROMPT_COMMAND after it
    else:
        cmds = entries
    return [c.split("\n") for c in cmds]


def _type(pty, items):
    """Type every item's keys; return the index of the item the shell
    exited on, or None.  An item ending in keys.AHEAD sends its last key
    without waiting for the prompt: the next item's keys are typed, all
    at once, while its command runs."""
    ahead = False
    for n, item in enumerate(items):
        keys_now = [k for k in item.keys if k != keys.AHEAD]
        if ahead:
            data = b"".join(keys.key_bytes(k, pty.app_cursor_keys()) for k in keys_now)
            state = pty.type_ahead(data)
        else:
            state = None
            for i, k in enumerate(keys_now):
                data = keys.key_bytes(k, pty.app_cursor_keys())
                if i == len(keys_now) - 1 and item.keys[-1] == keys.AHEAD:
                    state = pty.send_until_running(data)
                else:
                    state = pty.send(data)
                if state == "exit":
                    break
        ahead = item.keys[-1] == keys.AHEAD
        if state == "exit":
            return n
    return None


def run(setup, seed, outdir, items=None, size=None):
    """Run the session; write its files to outdir; return its summary.

    items and size, when given, replace the seeded script and terminal.
    """
    cols, rows = size or terminal_size(setup, seed)
    if items is None:
        items = keys.Generator(setup, seed, cols).session()
    tmp = tempfile.mkdtemp(prefix="sl-truth-")
    try:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        truth_file = os.path.join(tmp, "truth.hook")
        prog, argv, env = shells.prepare(setup, home, truth_file)
        work = shells.make_workdir(home, setup)
        uid = shells.session_uid()
        if uid is not None:
            for base, dirs, files in os.walk(tmp):
                for name in [base] + [os.path.join(base, n) for n in dirs + files]:
                    os.chown(name, uid, uid)
        pty = drive.Pty(prog, argv, env, work, cols, rows, uid)
        error = None
        exited_at = None
        try:
            pty.start()
            exited_at = _type(pty, items)
        except drive.DriveError as e:
            error = str(e)
        finally:
            pty.close()
        if error is None and exited_at != len(items) - 1:
            error = "the shell exited at item %s, not at the final exit" % exited_at
        sid = agent.session_id(setup.name, seed)
        data = bytes(pty.out)
        os.makedirs(outdir, exist_ok=True)
        log = agent.write_s3_log(tmp, sid, data)
        shutil.copy(log, os.path.join(outdir, sid + ".log"))
        agent.write_stream(os.path.join(outdir, sid + ".jsonl"), sid, pty.chunks)
        with open(os.path.join(outdir, "pty.bin"), "wb") as f:
            f.write(data)
        if setup.hook:
            hooked = hook_commands(setup, truth_file, exited_at is not None)
        else:
            hooked = None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary = {"setup": setup.name, "shell": setup.shell, "seed": seed,
               "session": sid, "cols": cols, "rows": rows,
               "truth_source": "hook" if setup.hook else "script",
               "items": [i.to_json() for i in items],
               "hook": hooked, "error": error}
    with open(os.path.join(outdir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    return summary
