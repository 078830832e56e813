"""`profile list` and `test --all` on the saved profiles of CONFIG_DIR (profile-0000 …, made by
copy_profiles.py).

Usage: many_profiles.py EXE CONFIG_DIR JOBS
Prints the median of `profile list`, and for `test --all --jobs JOBS --json` on 100 and on all
profiles: wall time, profiles per second, failures and peak memory (to show it stays flat).
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time


def run(cmd, env):
    """Wall milliseconds and exit code of one whole process."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000, done.returncode


def run_with_rss(cmd, env):
    """Wall milliseconds, peak RSS in MiB, standard output and exit code of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, usage.ru_maxrss / 1024, out, os.waitstatus_to_exitcode(status)


def main():
    exe, config_dir, jobs = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    env = dict(os.environ, CERTCONNECT_CONFIG_DIR=str(config_dir))
    count = len(list((config_dir / "profiles").glob("*.ron")))

    times = []
    for i in range(23):
        elapsed, code = run([exe, "profile", "list"], env)
        assert code == 0, "profile list failed"
        if i >= 3:
            times.append(elapsed)
    times.sort()
    print(f"profile list, {count} profiles: median {statistics.median(times):.1f} ms, "
          f"min {times[0]:.1f} ms, p90 {times[int(round(0.9 * (len(times) - 1)))]:.1f} ms (20 runs)")

    print(f"test --all --jobs {jobs} --json (whole probe: token, site, drive, items):")
    print(f"  {'profiles':>8} {'seconds':>8} {'profiles/s':>11} {'failures':>9} {'peak RSS':>9}")
    for pattern, n in (("profile-00*", min(count, 100)), (None, count)):
        cmd = [exe, "test", "--all", "--jobs", jobs, "--json"] + ([pattern] if pattern else [])
        elapsed, rss, out, code = run_with_rss(cmd, env)
        summary = json.loads(out)["summary"]
        failures = summary["profiles"] - summary["connected"]
        print(f"  {summary['profiles']:>8} {elapsed / 1000:>8.2f} {summary['profiles_per_second']:>11.1f} "
              f"{failures:>9} {rss:>6.1f} MiB")
        if code != 0 or failures:
            sys.exit(f"test --all failed (exit {code}, {failures} failures)")


if __name__ == "__main__":
    main()
