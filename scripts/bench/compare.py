"""Runs whole-process commands side by side and prints median, min, p90 and the ratio.

Usage: compare.py RUNS WARMUP NAME -- CMD... ;; NAME -- CMD... ;; ...
Each command is run WARMUP times unmeasured, then RUNS times, interleaved so that both see the
same machine state. A command that fails stops the benchmark.
"""
import statistics
import subprocess
import sys
import time


def parse(argv):
    runs, warmup = int(argv[0]), int(argv[1])
    commands, current = [], []
    for arg in argv[2:] + [";;"]:
        if arg == ";;":
            if current:
                name, sep, *cmd = current
                assert sep == "--", "NAME -- CMD"
                commands.append((name, cmd))
            current = []
        else:
            current.append(arg)
    return runs, warmup, commands


def run_once(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode(errors='replace')}")
    return elapsed


def main():
    runs, warmup, commands = parse(sys.argv[1:])
    for _ in range(warmup):
        for _, cmd in commands:
            run_once(cmd)
    times = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, cmd in commands:
            times[name].append(run_once(cmd))
    print(f"{'command':<34} {'median':>9} {'min':>9} {'p90':>9}   (ms, {runs} runs each)")
    medians = {}
    for name, values in times.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        medians[name] = statistics.median(values)
        print(f"{name:<34} {medians[name]:>9.1f} {values[0]:>9.1f} {p90:>9.1f}")
    names = list(medians)
    for other in names[1:]:
        print(f"{names[0]} / {other}: {medians[names[0]] / medians[other]:.1f}x")


if __name__ == "__main__":
    main()
