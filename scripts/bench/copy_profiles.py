"""Turns the one saved profile in FOLDER into COUNT profiles named profile-0000 … (each with a new
id), as if an admin had saved that many connectors.

Usage: copy_profiles.py FOLDER COUNT
"""
import pathlib
import re
import sys
import uuid


def main():
    folder, count = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    files = sorted(folder.glob("*.ron"))
    assert len(files) == 1, f"expected one saved profile in {folder}, found {len(files)}"
    template = files[0].read_text()
    files[0].unlink()
    for i in range(count):
        text = re.sub(r'id: "[^"]*"', f'id: "{uuid.uuid4()}"', template, count=1)
        text = re.sub(r'name: "[^"]*"', f'name: "profile-{i:04d}"', text, count=1)
        (folder / f"profile-{i:04d}.ron").write_text(text)


if __name__ == "__main__":
    main()
