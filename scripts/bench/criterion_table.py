"""Prints the criterion results of `cargo bench --bench hot_paths` as a table (median of each), and
the assertion signing time over the bare signature of the same bytes (the overhead of building the
JWS: header, claims, base64url).

Usage: criterion_table.py CRITERION_DIR
"""
import json
import pathlib
import sys


def main():
    root = pathlib.Path(sys.argv[1])
    medians = {}
    for bench in root.glob("*/new/benchmark.json"):
        title = json.loads(bench.read_text())["title"]
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        medians[title] = estimates["median"]["point_estimate"] / 1e6  # ms
    if not medians:
        sys.exit(f"no criterion results under {root}")
    width = max(map(len, medians))
    for title, ms in sorted(medians.items()):
        print(f"  {title:<{width}}  {ms:8.3f} ms")
    for alg in ("Rs256", "Ps256"):
        signed, bare = medians.get(f"sign assertion {alg}"), medians.get(f"bare RSA-2048 signature {alg}")
        if signed and bare:
            print(f"  assertion {alg} / bare signature: {signed / bare:.3f}")


if __name__ == "__main__":
    main()
