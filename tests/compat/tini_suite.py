#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tini's own test suite (test/ of Debian's tini 0.19 source package, fetched at test time), run
# the way its CI runs it but with `unshare --pid --fork --mount-proc` where tini's CI uses
# docker: the "inner" checks (test/run_inner_tests.py) with this script as the namespace's PID 1
# and tini as its child, the "outer" functional checks (test/run_outer_tests.py) with tini as
# PID 1. Each check is one case, so the result is a count, not the first failure. Stage scripts
# are tini's, unchanged; only the drivers below are ours.
#
#   tini_suite.py --tini PATH --src TINI_SOURCE_DIR --sigconf SIGCONF_TEST [--expect-fail A,B]
import argparse
import ctypes
import itertools
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

import psutil

UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]


def busy_wait(cond, timeout):
    """As tini's own: 100 checks over timeout (their pgroup test relies on that pace)."""
    for _ in range(100):
        if cond():
            return
        time.sleep(timeout / 100.0)
    raise AssertionError("condition never met in %ss" % timeout)


def run(cmd, env=None, timeout=60):
    p = subprocess.run(cmd, env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# --- inner: run_inner_tests.py, one case per check ---------------------------------------------

def inner_cases(a):
    tini, src = a.tini, a.src
    test = os.path.join(src, "test")
    stage1 = os.path.join(test, "reaping", "stage_1.py")
    cases = []

    def exit_inclusive():
        for code in range(256):
            rc, _, _ = run([tini, "-e", str(code), "--", "sh", "-c", "exit %d" % code])
            assert rc == 0, "-e %d: exit %d" % (code, rc)

    def exit_exclusive():
        for code in range(256):
            args = list(itertools.chain(*[["-e", str(x)] for x in range(256) if x != code]))
            rc, _, _ = run([tini] + args + ["sh", "-c", "exit %d" % code],
                           env={"POSIXLY_CORRECT": "1"})
            assert rc == code, "exit %d came out as %d" % (code, rc)

    cases += [("exit codes, -e CODE", exit_inclusive),
              ("exit codes, -e every other code", exit_exclusive)]

    # tini's subreaper-proxy.py needs python-prctl; this is the same call through libc.
    proxy = [sys.executable, "-c",
             "import ctypes, os, sys; ctypes.CDLL(None).prctl(36, 1, 0, 0, 0); "
             "os.execv(sys.argv[1], sys.argv[1:])"]
    targets = [("subreaper proxy", proxy + [tini], {}), ("-s", [tini, "-s"], {}),
               ("TINI_SUBREAPER", [tini], {"TINI_SUBREAPER": ""})]
    for label, target, env in targets:
        def reaping(target=target, env=env):
            rc, out, err = run(target + [stage1], env=env)
            assert "zombie reaping won't work" not in err, "warning printed: " + err
            assert "Reaped zombie process with pid=" not in err, "-w line without -w"
            assert rc == 0, "exit %d\n%s%s" % (rc, out, err)

        def reaping_display(target=target, env=env):
            rc, out, err = run(target + ["-w", stage1], env=env)
            assert "Reaped zombie process with pid=" in err, "no -w line: " + err
            assert rc == 0, "exit %d\n%s%s" % (rc, out, err)

        cases += [("reaping (%s)" % label, reaping),
                  ("reaping display -w (%s)" % label, reaping_display)]
        for signum in (signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2):
            def signals(target=target, env=env, signum=signum):
                p = subprocess.Popen(target + [os.path.join(test, "signals", "test.py")],
                                     env=dict(os.environ, **env))
                try:
                    busy_wait(lambda: len(psutil.Process(p.pid).children(recursive=True)) > 1,
                              10)
                    p.send_signal(signum)
                    rc = p.wait(10)
                finally:
                    kill_tree(p)
                assert rc == 128 + signum, "exit %d, want %d" % (rc, 128 + signum)
            cases.append(("signal %s (%s)" % (signal.Signals(signum).name, label), signals))

    def pgroup(args, env):
        p = subprocess.Popen([tini] + args + [os.path.join(test, "pgroup", "stage_1.py")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=dict(os.environ, **env))
        try:
            busy_wait(lambda: len(psutil.Process(p.pid).children(recursive=True)) == 2, 10)
            p.send_signal(signal.SIGUSR1)
            busy_wait(lambda: p.poll() is not None, 10)
        finally:
            kill_tree(p)

    cases += [("process group -g", lambda: pgroup(["-g"], {})),
              ("process group TINI_KILL_PROCESS_GROUP",
               lambda: pgroup([], {"TINI_KILL_PROCESS_GROUP": "1"}))]

    def reaping_failure():
        rc, _, err = run([tini, stage1], env={"TINI_VERBOSITY": "1"})
        assert "zombie reaping won't work" in err, "no warning: " + err
        assert rc == 1, "exit %d, want 1" % rc

    def sigconf():
        rc, out, _ = run([a.sigconf, tini, "cat", "/proc/self/status"])
        masks = {}
        for line in out.splitlines():
            k, _, v = line.partition(":")
            if k in ("SigBlk", "SigIgn"):
                masks[k] = int(v.strip(), 16)
        for name, sigs in (("SigIgn", (signal.SIGTTOU, signal.SIGSEGV, signal.SIGINT)),
                           ("SigBlk", (signal.SIGTTIN, signal.SIGILL, signal.SIGTERM))):
            for s in sigs:
                assert masks.get(name, 0) & (1 << (s - 1)), "%s missing in %s" % (s.name, name)

    def pdeath():
        with tempfile.NamedTemporaryFile() as f:
            subprocess.run([os.path.join(test, "pdeathsignal", "stage_1.py"), tini, f.name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            busy_wait(lambda: open(f.name).read() == "ok", 10)

    cases += [("zombie reaping failure warns", reaping_failure),
              ("signal configuration kept", sigconf), ("parent death signal -p", pdeath)]
    return cases


def kill_tree(p):
    try:
        for c in psutil.Process(p.pid).children(recursive=True):
            c.kill()
    except psutil.Error:
        pass
    if p.poll() is None:
        p.kill()
        p.wait()


# --- outer: run_outer_tests.py's functional checks, tini as PID 1 -------------------------------

def pid1_of(p):
    """The namespace's PID 1 (unshare's child), as seen from here."""
    kids = []
    busy_wait(lambda: kids.extend(psutil.Process(p.pid).children()) or kids, 5)
    return kids[0].pid


def outer_cases(a):
    test = os.path.join(a.src, "test")
    cases = []
    for entry in a.entrypoints:
        env = {"TINI_VERBOSITY": "3"}
        base = UNSHARE + [entry]

        def reaping(base=base, env=env):
            rc, out, err = run(base + [os.path.join(test, "reaping", "stage_1.py")], env=env,
                               timeout=10)
            assert rc == 0, "exit %d\n%s%s" % (rc, out, err)

        cases.append(("pid 1 %s: reaping" % os.path.basename(entry), reaping))
        for sig, want in (("TERM", 143), ("USR1", 138), ("USR2", 140)):
            def signals(base=base, env=env, sig=sig, want=want):
                p = subprocess.Popen(base + [os.path.join(test, "signals", "test.py")],
                                     env=dict(os.environ, **env), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                try:
                    pid1 = pid1_of(p)
                    busy_wait(lambda: len(psutil.Process(pid1).children(recursive=True)) > 1,
                              10)
                    os.kill(pid1, getattr(signal, "SIG" + sig))
                    rc = p.wait(10)
                finally:
                    kill_tree(p)
                assert rc == want, "exit %d, want %d" % (rc, want)
            cases.append(("pid 1 %s: docker kill -s %s" % (os.path.basename(entry), sig),
                          signals))
        for args, want in ((["-z"], 1), (["-h"], 0), (["zzzz"], 127), (["-w"], 0)):
            def exit_code(base=base, env=env, args=args, want=want):
                rc, _, _ = run(base + args, env=env, timeout=10)
                assert rc == want, "exit %d, want %d" % (rc, want)
            cases.append(("pid 1 %s %s: exit %d" % (os.path.basename(entry), args[0], want),
                          exit_code))

    def valgrind():
        if subprocess.run(["ldd", a.tini], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            return "static binary: valgrind only runs on the dynamic one, as tini's CI does"
        rc, out, err = run(UNSHARE + ["valgrind", "--leak-check=full", "--error-exitcode=1",
                                      a.tini, "ls"], timeout=60)
        assert rc == 0, "exit %d\n%s" % (rc, err[-2000:])

    def tty(command, finish, want):
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(UNSHARE[0], UNSHARE + [a.tini, "--"] + command)
        buf = b""
        try:
            end = time.monotonic() + 5
            while b"#" not in buf and time.monotonic() < end:
                if select.select([fd], [], [], 0.1)[0]:
                    try:
                        buf += os.read(fd, 1024)
                    except OSError:
                        break
            assert b"#" in buf, "no prompt: %r" % buf
            os.write(fd, finish)
            end = time.monotonic() + 5
            while time.monotonic() < end:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                if select.select([fd], [], [], 0.1)[0]:
                    try:
                        os.read(fd, 1024)
                    except OSError:
                        pass
            else:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise AssertionError("still running after the input")
        finally:
            os.close(fd)
        rc = os.waitstatus_to_exitcode(status)
        assert rc == want, "exit %d, want %d" % (rc, want)

    cases += [("valgrind --leak-check=full", valgrind),
              ("tty: dash, exit 0", lambda: tty(["dash"], b"\nexit 0\n", 0)),
              ("tty: dash loop, ^C", lambda: tty(
                  ["dash", "-c", "while true; do echo \\#; sleep 0.1; done"], b"\x03", 130))]
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tini", required=True)
    ap.add_argument("--entrypoints", default="", help="comma-separated; default: --tini")
    ap.add_argument("--src", required=True)
    ap.add_argument("--sigconf", required=True)
    ap.add_argument("--expect-fail", default="", help="names of stale cases, comma-separated")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.entrypoints = [e for e in a.entrypoints.split(",") if e] or [a.tini]
    stale = {s for s in a.expect_fail.split(",") if s}

    if a.inner:
        cases = inner_cases(a)
    else:
        # The inner checks need a PID 1 of their own, as in tini's docker image.
        inner = subprocess.run(UNSHARE + [sys.executable] + sys.argv + ["--inner"])
        cases = outer_cases(a)
    passed = failed = skipped = 0
    unexpected = []
    for name, fn in cases:
        try:
            why = fn()
        except Exception as e:  # noqa: BLE001 - a case fails on whatever it raises
            failed += 1
            note = "stale, tini fails it too" if name in stale else "FAIL"
            print("not ok - %s (%s): %s" % (name, note, str(e).strip()[:800]), flush=True)
            if name not in stale:
                unexpected.append(name)
            continue
        if why:
            skipped += 1
            print("ok - %s # SKIP %s" % (name, why), flush=True)
        else:
            passed += 1
            print("ok - %s" % name, flush=True)
    part = "inner" if a.inner else "outer"
    print("tini suite, %s: %d passed, %d failed, %d skipped" % (part, passed, failed, skipped))
    if not a.inner and inner.returncode not in (0, 1):
        print("the inner run ended with %d" % inner.returncode)
        return 1
    return 1 if unexpected or (not a.inner and inner.returncode) else 0


if __name__ == "__main__":
    sys.exit(main())
