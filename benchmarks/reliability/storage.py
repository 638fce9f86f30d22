"""Storage: a real full disk and a read-only database under the real server: 503 with Retry-After, never a 200 not stored.

Run (as root): .venv/bin/python benchmarks/reliability/storage.py [--posts 200] [--size-mb 16]

The database lives on a small ext4 file system of its own (an image file,
loop-mounted, no reserved blocks), under gunicorn started as `moderation serve`
starts it. Two faults, each while comments are being posted:

  disk full   a filler file takes every free block; afterwards it is deleted
              ("space returns") and the refused comments are sent again
  read-only   the database and its WAL are made immutable (chattr +i: not
              even root may write them) and then writable again

Every answer is 200 or 503; every 503 has Retry-After and left nothing
stored; every 200 was stored, once; after the fault every refused comment
is accepted when sent again; PRAGMA integrity_check is ok. Exits 1 when any
of that fails, 2 when the file system cannot be mounted here (not root).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, comment, post, read_db  # noqa: E402


class Unavailable(RuntimeError):
    """The file system cannot be made or mounted here (no root, no loop device)."""


class LoopFilesystem:
    """A small ext4 file system in an image file, loop-mounted (root only)."""

    def __init__(self, work: Path, size_mb: int):
        self.image, self.mountpoint, self.size_mb = work / "disk.img", work / "mnt", size_mb

    def __enter__(self) -> Path:
        with open(self.image, "wb") as image:
            image.truncate(self.size_mb * 1024 * 1024)
        self.mountpoint.mkdir()
        for command in (["mkfs.ext4", "-q", "-F", "-m", "0", str(self.image)], ["mount", "-o", "loop", str(self.image), str(self.mountpoint)]):
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                raise Unavailable(f"{command[0]} failed: {done.stderr.strip()}")
        return self.mountpoint

    def __exit__(self, *exc) -> None:
        subprocess.run(["umount", "-l", str(self.mountpoint)], capture_output=True)


def available() -> str | None:
    """Why the experiment cannot run here, or None."""
    if os.geteuid() != 0:
        return "not root: a loop-mounted file system needs root"
    for tool in ("mkfs.ext4", "mount", "chattr", "losetup"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def fill(path: Path) -> int:
    """Write a filler file until the disk is full; returns its size."""
    written = 0
    block = b"\0" * (1 << 16)
    with open(path, "wb", buffering=0) as filler:
        try:
            while True:
                written += filler.write(block)
        except OSError:
            pass
        small = b"\0" * 512
        try:
            while True:
                written += filler.write(small)
        except OSError:
            pass
        try:
            os.fsync(filler.fileno())
        except OSError:
            pass
    return written


def storm(port: int, prefix: str, posts: int) -> list[tuple[str, int, str | None, bytes]]:
    """Post `posts` comments of ~2 KB; (comment id, status, Retry-After, answer) each."""
    answers = []
    for i in range(posts):
        cid = f"{prefix}-{i}"
        body = f"Comment {i} on Diyala and the Badr Organization. " + "The militias hold the towns along the river. " * 40
        status, headers, answer = post(port, f"msg_{cid}", comment(cid, body, author=f"{prefix}-{i}"))
        answers.append((cid, status, headers.get("retry-after"), answer))
    return answers


def check(db: Path, answers, figures: dict, phase: str) -> None:
    with read_db(db) as connection:
        stored = {row[0]: row[1] for row in connection.execute("SELECT comment_id, COUNT(*) FROM decisions GROUP BY comment_id")}
        comments = {row[0] for row in connection.execute("SELECT id FROM comments")}
    figures[f"{phase}: posted"] = len(answers)
    figures[f"{phase}: 200"] = sum(status == 200 for _, status, _, _ in answers)
    figures[f"{phase}: 503"] = sum(status == 503 for _, status, _, _ in answers)
    figures[f"{phase}: other answers"] = sum(status not in (200, 503) for _, status, _, _ in answers)
    figures[f"{phase}: 200 not stored once"] = sum(status == 200 and stored.get(cid) != 1 for cid, status, _, _ in answers)
    figures[f"{phase}: 503 without Retry-After"] = sum(status == 503 and not (retry or "").isdigit() for _, status, retry, _ in answers)
    figures[f"{phase}: 503 but stored"] = sum(status == 503 and (cid in stored or cid in comments) for cid, status, _, _ in answers)


def run(posts: int = 200, size_mb: int = 16, say=print) -> dict:
    """Both faults; returns the figures."""
    work = Path(tempfile.mkdtemp(prefix="moderation-storage-"))
    figures: dict = {"filesystem": f"ext4, {size_mb} MB image, loop-mounted, no reserved blocks"}
    with LoopFilesystem(work, size_mb) as mountpoint:
        db = mountpoint / "storage.db"
        with Server(db, log=work / "server.log") as server:
            check(db, storm(server.port, "before", 20), figures, "before")
            # -- disk full
            filler = mountpoint / "filler"
            figures["disk full: filler bytes"] = fill(filler)
            answers = storm(server.port, "full", posts)
            check(db, answers, figures, "disk full")
            refused = [cid for cid, status, _, _ in answers if status != 200]
            say(f"disk full: {figures['disk full: 200']} stored in what was left, then {figures['disk full: 503']} answered 503")
            filler.unlink()
            again = [(cid, *post(server.port, f"msg_{cid}", comment(cid, _body(answers, cid), author=cid))) for cid in refused]
            figures["space returned: sent again"] = len(again)
            figures["space returned: 200"] = sum(status == 200 for _, status, _, _ in again)
            check(db, [(cid, status, headers.get("retry-after"), body) for cid, status, headers, body in again], figures, "space returned")
            # -- read-only
            files = [str(db), str(db) + "-wal"]
            subprocess.run(["chattr", "+i", *files], check=True)
            try:
                answers = storm(server.port, "readonly", max(20, posts // 10))
            finally:
                subprocess.run(["chattr", "-i", *files], check=True)
            check(db, answers, figures, "read-only")
            say(f"read-only: {figures['read-only: 503']} of {len(answers)} answered 503")
            refused = [cid for cid, status, _, _ in answers if status != 200]
            again = [(cid, *post(server.port, f"msg_{cid}", comment(cid, _body(answers, cid), author=cid))) for cid in refused]
            check(db, [(cid, status, headers.get("retry-after"), body) for cid, status, headers, body in again], figures, "writable again")
        with read_db(db) as connection:
            figures["integrity_check"] = connection.execute("PRAGMA integrity_check").fetchone()[0]
    bad = [key for key, value in figures.items() if key.endswith(("not stored once", "without Retry-After", "but stored", "other answers")) and value]
    figures["ok"] = (not bad and figures["integrity_check"] == "ok" and figures["disk full: 503"] > 0 and figures["read-only: 503"] > 0
                     and figures["space returned: 200"] == figures["space returned: posted"] and figures["writable again: 200"] == figures["writable again: posted"])
    if figures["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        figures["kept"] = str(work)
    return figures


def _body(answers, cid: str) -> str:
    i = int(cid.rsplit("-", 1)[1])
    return f"Comment {i} on Diyala and the Badr Organization. " + "The militias hold the towns along the river. " * 40


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200, help="comments posted while the disk is full")
    parser.add_argument("--size-mb", type=int, default=16, help="size of the loop-mounted file system")
    args = parser.parse_args()
    why = available()
    if why:
        print(f"storage: cannot run here: {why}")
        return 2
    print(f"storage: {args.posts} posts on a full disk, then a read-only database, under gunicorn")
    try:
        figures = run(args.posts, args.size_mb)
    except Unavailable as error:
        print(f"storage: cannot run here: {error}")
        return 2
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print("PASS: 503 with Retry-After, never a 200 not stored, recovered" if figures["ok"] else "FAIL: a promise was broken (see above)")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
