#!/usr/bin/env python3
"""test/readme.py: the README's getting-started section, run as a new user runs it.

Every terminal example of the section "Getting started: a local environment"
(a fenced block whose lines beginning with "$ " are commands, each followed by
what it prints, stdout and stderr as a terminal shows them) is run in order,
in a scratch folder, with the appdb built here first on PATH, by an
unprivileged OS user (the README's reader; "postgres" when this runs as root,
since PostgreSQL refuses root).  Each output must be the README's, line for
line, after the variable parts are replaced by the placeholders the README
itself uses:

    ~/shop     the folder the commands run in
    <port>     the port provision chose

A line "..." in the README stands for any number of lines.  The environment
is destroyed at the end, whatever happened.  The last line is
"readme: N passed, M failed".  With --show, each command and what it printed
(placeholders in place) is printed instead, in the README's form, to update it.
"""
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTION = "## Getting started: a local environment"
FOLDER = "~/shop"

passed = failed = 0


def report(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - %s" % name)
    else:
        failed += 1
        print("not ok - %s" % name)
        for line in detail.splitlines():
            print("#   %s" % line)


def examples(readme):
    """[(command, [expected lines])] of the section's fenced blocks, in order."""
    text = readme.split(SECTION, 1)[1]
    text = re.split(r"\n##+ ", text, maxsplit=1)[0]
    out = []
    for block in re.findall(r"\n```\n(.*?)\n```", text, re.S):
        for line in block.split("\n"):
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line)
    return [(cmd, trim(lines)) for cmd, lines in out]


def trim(lines):
    while lines and lines[-1] == "":
        lines = lines[:-1]
    return lines


def matches(want, got):
    """want's lines against got's, "..." matching any run of lines."""
    if not want:
        return not got
    if want[0] == "...":
        return any(matches(want[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and want[0] == got[0] and matches(want[1:], got[1:])


def main(show=False):
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    steps = examples(readme)
    report(len(steps) >= 8, "the section shows the lifecycle (%d commands)" % len(steps))
    work = tempfile.mkdtemp(prefix="appdb-readme.")
    run_as = []
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("APPDB_", "PG", "LC_", "AWS_")) and k not in ("LANG", "NO_COLOR")}
    env.update(PATH=ROOT + ":" + env.get("PATH", "/usr/bin:/bin"), LC_ALL="C.UTF-8")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chmod(work, 0o755)
        os.chown(work, user.pw_uid, user.pw_gid)
        env.update(HOME=work, USER="postgres", LOGNAME="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = None
    try:
        for cmd, want in steps:
            # stdout line-buffered, as on a terminal, so its lines and
            # stderr's come in the order a terminal shows them
            p = subprocess.run(run_as + ["stdbuf", "-oL", "bash", "-c", cmd], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            got = p.stdout.decode("utf-8", "replace")
            state = os.path.join(work, ".appdb", "shop-dev", "state.json")
            if port is None and os.path.exists(state):
                with open(state) as f:
                    port = json.load(f).get("port")
            got = got.replace(work, FOLDER)
            if port:
                got = re.sub(r"(?<![0-9])%d(?![0-9])" % port, "<port>", got)
            got = trim(got.split("\n"))
            if show:
                print("$ %s\n%s\n" % (cmd, "\n".join(got)))
                continue
            ok = matches(want, got)
            report(ok, "$ %s" % cmd, "" if ok else
                   "README:\n  " + "\n  ".join(want) + "\nprinted (exit %d):\n  " % p.returncode +
                   "\n  ".join(got))
    finally:
        subprocess.run(run_as + ["bash", "-c", "appdb --app shop --env dev destroy --yes"], cwd=work,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    if show:
        return 0
    print("readme: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(show="--show" in sys.argv[1:]))
