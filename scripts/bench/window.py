"""The desktop app against a bare eframe window, side by side on one X display.

Usage: window.py BARE_EXE APP_EXE PROFILES_CONFIG_DIR RUNS
Needs DISPLAY (window.sh starts Xvfb) and xdotool. For the bare window, the app on its first run
(no profiles) and the app with the profiles in PROFILES_CONFIG_DIR, RUNS times each, interleaved:
time from process start to the first painted frame, resident memory 3 s after start; then, once
each, CPU ticks used while idle for 10 s. Then the app's demo, driven with the keyboard (Test
connection, save, a new profile, Test again): the longest frame while background jobs ran.
"""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")


def read_log(path):
    try:
        return pathlib.Path(path).read_text().splitlines()
    except FileNotFoundError:
        return []


def first_frame_ns(log):
    for line in read_log(log):
        if line.startswith("first_frame_unix_ns "):
            return int(line.split()[1])
    return None


def rss_mib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ticks(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


class Window:
    """One process with its own frame log and, for the app, its own config directory."""

    def __init__(self, cmd, config=None, extra_env=None):
        self.work = tempfile.mkdtemp(prefix="window-bench-")
        self.log = os.path.join(self.work, "frames.log")
        env = dict(os.environ, CERTCONNECT_FRAME_LOG=self.log,
                   CERTCONNECT_CONFIG_DIR=os.path.join(self.work, "config"),
                   CERTCONNECT_DATA_DIR=os.path.join(self.work, "data"))
        if config:
            shutil.copytree(config, env["CERTCONNECT_CONFIG_DIR"])
        env.update(extra_env or {})
        self.started_ns = time.time_ns()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_first_frame(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            ns = first_frame_ns(self.log)
            if ns:
                return (ns - self.started_ns) / 1e6
            if self.proc.poll() is not None:
                sys.exit(f"the window ended before its first frame: {self.proc.args}")
            time.sleep(0.005)
        sys.exit(f"no first frame within {timeout} s: {self.proc.args}")

    def at(self, secs):
        """Sleeps until `secs` after the process started."""
        time.sleep(max(0.0, self.started_ns / 1e9 + secs - time.time()))

    def frames(self):
        out = []
        for line in read_log(self.log):
            if line.startswith("frame "):
                _, ms, state = line.split()
                out.append((float(ms), state))
        return out

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def xdotool(*args):
    return subprocess.run(["xdotool", *args], capture_output=True, text=True).stdout.strip()


def find_window(window):
    ids = xdotool("search", "--onlyvisible", "--pid", str(window.proc.pid)).split()
    if not ids:
        sys.exit(f"no window found for {window.proc.args}")
    return ids[0]


def key(window, *keys):
    xdotool("windowfocus", "--sync", window)
    for k in keys:
        xdotool("key", "--clearmodifiers", k)
        time.sleep(0.3)


def main():
    bare, app, profiles_config, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    profile_count = len(os.listdir(os.path.join(profiles_config, "profiles")))
    variants = [
        ("bare eframe window", [bare], None),
        ("app, first run", [app], None),
        (f"app, {profile_count} profiles", [app], profiles_config),
    ]
    first = {name: [] for name, _, _ in variants}
    first_cpu = {name: [] for name, _, _ in variants}
    rss = {name: [] for name, _, _ in variants}
    idle = {}
    for run in range(runs + 1):
        for name, cmd, config in variants:
            window = Window(cmd, config)
            try:
                ms = window.wait_first_frame()
                window.at(3)
                mem = rss_mib(window.proc.pid)
                if run > 0:  # the first round warms the disk cache
                    first[name].append(ms)
                    first_cpu[name].append(window.frames()[0][0])
                    rss[name].append(mem)
                if run == runs:
                    window.at(4)
                    before, frames_before = cpu_ticks(window.proc.pid), len(window.frames())
                    window.at(14)
                    idle[name] = (cpu_ticks(window.proc.pid) - before, len(window.frames()) - frames_before)
            finally:
                window.close()

    base = statistics.median(first[variants[0][0]])
    base_rss = statistics.median(rss[variants[0][0]])
    print(f"{'window':<24} {'first frame':>12} {'ratio':>6} {'(its CPU)':>10} {'RSS at 3 s':>11} {'ratio':>6} "
          f"{'idle 10 s':>19}")
    for name, _, _ in variants:
        ff, mem = statistics.median(first[name]), statistics.median(rss[name])
        cpu = statistics.median(first_cpu[name])
        print(f"{name:<24} {ff:>9.1f} ms {ff / base:>6.2f} {cpu:>7.1f} ms {mem:>7.1f} MiB {mem / base_rss:>6.2f} "
              f"{idle[name][0]:>4} ticks {idle[name][1]:>3} frames")
    print(f"(medians of {runs} runs each; first frame: from process start until it is presented, and the "
          f"CPU time of that frame itself; idle: CPU ticks of {1000 // TICKS} ms from 4 s to 14 s after start)")

    # The demo, driven as a user would: frames while background jobs run.
    # The thousand-profile list while the user searches it: every key is a frame that filters it.
    window = Window([app], profiles_config)
    try:
        window.wait_first_frame()
        window.at(3)
        w = find_window(window)
        before = len(window.frames())
        key(w, "ctrl+f")
        xdotool("type", "--delay", "150", "profile-0999")
        key(w, "ctrl+a", "BackSpace")
        time.sleep(1)
        typing = [ms for ms, _ in window.frames()[before:]]
    finally:
        window.close()
    if len(typing) < 10:
        sys.exit("typing into the search field drew no frames: the keys did not reach the app")
    print(f"searching {profile_count} profiles: {len(typing)} frames while typing, "
          f"longest {max(typing):.1f} ms, median {statistics.median(typing):.1f} ms")

    # The first test meets a slow token endpoint and a slow Graph (the sandbox's faults), so it
    # runs for seconds of frames, as against a real tenant on a slow network.
    window = Window([app, "demo", "--fault", "token:slow=2000", "--fault", "graph:slow=1000"])
    try:
        window.wait_first_frame()
        window.at(3)
        w = find_window(window)
        key(w, "ctrl+Return")   # Test connection (loads the certificate, signs, calls the sandbox)
        time.sleep(4)
        key(w, "ctrl+s")        # save the demo profile
        time.sleep(2)
        key(w, "ctrl+n")        # a new profile, then back to the demo one through the list search
        time.sleep(1)
        key(w, "ctrl+Return")   # Test again
        time.sleep(3)
        frames = window.frames()
    finally:
        window.close()
    busy = [ms for ms, state in frames if state == "busy"]
    if not busy:
        sys.exit("no frame ran while a background job was running: the keys did not reach the app")
    print(f"app demo under load: {len(frames)} frames, {len(busy)} while a test, card load or save ran; "
          f"longest {max(busy):.1f} ms, over 50 ms: {sum(ms > 50 for ms in busy)}; "
          f"longest of all frames {max(ms for ms, _ in frames):.1f} ms")


if __name__ == "__main__":
    main()
