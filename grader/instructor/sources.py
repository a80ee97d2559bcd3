"""Finding learners in SUBMISSIONS_DIR and reading each one's files safely: folders and
.zip files, symbolic links refused, paths, sizes and member counts bounded."""

from __future__ import annotations

import abc
import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import catalog as catalog_mod
from grader.instructor.errors import SubmissionProblem

MAX_FILE_BYTES = 1 << 20  # one learner file; a solution is a few kB
MAX_ZIP_BYTES = 64 << 20  # one learner's .zip on disk
MAX_ZIP_MEMBERS = 10_000
MAX_HELPERS = 20  # learner modules of their own next to the stubs, per folder


@dataclass(frozen=True)
class Learner:
    name: str
    source: Path  # a folder or a .zip inside SUBMISSIONS_DIR


def discover(submissions: Path) -> list[Learner]:
    """One learner per folder or ``.zip`` in ``submissions``, by name; hidden entries and
    other files are skipped. Every entry keeps a learner of its own: a zip whose name
    without ``.zip`` is taken (by a folder, or by ``bob.ZIP`` next to ``bob.zip``) is
    named by its full file name."""
    folders, zips = {}, []
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            folders[entry.name] = entry
        elif entry.suffix.lower() == ".zip" and entry.is_file():
            zips.append(entry)
    learners = [Learner(name, path) for name, path in folders.items()]
    stems = [entry.stem for entry in zips]
    for entry in zips:
        taken = entry.stem in folders or stems.count(entry.stem) > 1
        learners.append(Learner(entry.name if taken else entry.stem, entry))
    return sorted(learners, key=lambda learner: learner.name)


def skipped_entries(submissions: Path) -> list[str]:
    """Entries of SUBMISSIONS_DIR that are neither a folder nor a zip (told to the user)."""
    return sorted(
        e.name
        for e in submissions.iterdir()
        if not e.name.startswith((".", "__"))
        and not e.is_dir()
        and not (e.suffix.lower() == ".zip" and e.is_file())
    )


def relative_path(ex: catalog_mod.Exercise) -> str:
    """Where an item's file lies in a learner's submission: its stub path below exercises/."""
    return ex.stub.removeprefix("exercises/")


class _Source(abc.ABC):
    """A learner's files, from a folder or a zip, addressed by posix paths."""

    @abc.abstractmethod
    def files_in(self, folder: str) -> list[str]:
        """Names of the regular files directly inside ``folder``."""

    @abc.abstractmethod
    def read(self, path: str) -> bytes:
        """The file's bytes; a ValueError says why a file cannot be used."""

    def exists(self, path: str) -> bool:
        folder, _, name = path.rpartition("/")
        return name in self.files_in(folder)

    @abc.abstractmethod
    def top_folders(self) -> list[str]:
        """The folders at the top of the submission."""


class _FolderSource(_Source):
    def __init__(self, folder: Path):
        self.base = Path(os.path.realpath(folder))
        self.prefix = ""

    def _path(self, relative: str) -> Path:
        return self.base / (self.prefix + relative)

    def files_in(self, folder: str) -> list[str]:
        try:
            entries = list(os.scandir(self._path(folder) if folder else self.base / self.prefix))
        except OSError:
            return []
        # Symbolic links are listed too, so that reading one can say why it is refused.
        return sorted(e.name for e in entries if e.is_symlink() or e.is_file(follow_symlinks=False))

    def read(self, relative: str) -> bytes:
        path = self._path(relative)
        # No symbolic link anywhere below the learner's folder: it could lead to another
        # learner's files, which the grader (trusted) would then copy in.
        if os.path.realpath(path) != str(path):
            raise ValueError(
                "it is a symbolic link (or lies in a linked folder); submit the file itself"
            )
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        return data

    def top_folders(self) -> list[str]:
        return sorted(
            e.name
            for e in os.scandir(self.base)
            if e.is_dir(follow_symlinks=False) and not e.name.startswith((".", "__"))
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_member(name: str) -> str:
    """A zip member's path as posix text; refuses absolute paths and ``..``."""
    text = name.replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        raise SubmissionProblem(f"the zip holds an absolute path ({name!r}); it was not unpacked")
    if ".." in PurePosixPath(text).parts:
        raise SubmissionProblem(
            f"the zip holds a path that leaves its folder ({name!r}); it was not unpacked"
        )
    return text


class _ZipSource(_Source):
    def __init__(self, path: Path):
        self.prefix = ""
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise SubmissionProblem(f"the zip is larger than {MAX_ZIP_BYTES >> 20} MB")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SubmissionProblem(f"the zip cannot be opened ({exc})") from None
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionProblem(f"the zip holds more than {MAX_ZIP_MEMBERS} entries")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _safe_member(info.filename)  # every member is checked, used or not
            if stat.S_ISLNK(info.external_attr >> 16):
                raise SubmissionProblem(f"the zip holds a symbolic link ({info.filename!r})")
            name = PurePosixPath(name).as_posix()  # "./a//b" -> "a/b"
            if not info.is_dir() and not name.startswith("__MACOSX/"):
                self.members.setdefault(name, info)

    def files_in(self, folder: str) -> list[str]:
        start = self.prefix + (folder + "/" if folder else "")
        return sorted(
            name[len(start) :]
            for name in self.members
            if name.startswith(start) and "/" not in name[len(start) :]
        )

    def read(self, relative: str) -> bytes:
        info = self.members[self.prefix + relative]
        if info.flag_bits & 0x1:
            raise ValueError("it is encrypted in the zip")
        if info.file_size > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        try:
            with self.zip.open(info) as f:
                data = f.read(MAX_FILE_BYTES + 1)
        # A damaged member fails in many ways (BadZipFile, EOFError, zlib.error, an unknown
        # compression method's NotImplementedError...): each is this file's problem only.
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"it cannot be unpacked ({type(exc).__name__}: {exc})") from None
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} kB")
        return data

    def top_folders(self) -> list[str]:
        return sorted(
            {
                name.split("/", 1)[0]
                for name in self.members
                if "/" in name and not name.startswith((".", "__"))
            }
        )


def _open_source(path: Path) -> _Source:
    return _ZipSource(path) if path.suffix.lower() == ".zip" else _FolderSource(path)


def _find_base(source: _Source, relatives: list[str]) -> str:
    """Where the mirror of exercises/ starts: the submission itself, its ``exercises/``,
    or the same inside a single top folder (zips often wrap everything in one)."""
    candidates = ["", "exercises/"]
    tops = source.top_folders()
    if len(tops) == 1:
        candidates += [tops[0] + "/", tops[0] + "/exercises/"]
    for prefix in candidates:
        source.prefix = prefix
        if any(source.exists(rel) for rel in relatives):
            return prefix
    source.prefix = ""
    return ""


@dataclass
class Unpacked:
    """A learner's files as copied into a slot."""

    digests: dict[str, str]  # item path -> SHA-256 of everything its grading reads
    problems: dict[str, str]  # item path -> why its file cannot be used
    prefix: str  # where the mirror of exercises/ starts in the submission


def unpack(
    source_path: Path, items: list[catalog_mod.Exercise], target: Path, course: Path
) -> Unpacked:
    """Copy the files that will be graded from a learner's folder or zip into ``target``.

    Copied: each item's file, and for Python items the learner's own helper modules next
    to it (``.py`` files whose names the course's folder does not use: the course's own
    come first on the worker's path). An item's digest covers its file and those helpers.
    Raises :class:`SubmissionProblem` when the submission as a whole cannot be read.
    """
    source = _open_source(source_path)
    relatives = [relative_path(ex) for ex in items]
    prefix = _find_base(source, relatives)
    digests: dict[str, str] = {}
    problems: dict[str, str] = {}
    helpers: dict[str, list[tuple[str, str]]] = {}  # folder -> [(name, digest)]

    def copy(relative: str) -> str:
        data = source.read(relative)
        destination = target / relative
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        except OSError as exc:  # a name this file system cannot hold, say
            raise ValueError(f"it cannot be copied ({exc.strerror or exc})") from None
        return hashlib.sha256(data).hexdigest()

    for relative in relatives:
        folder = relative.rpartition("/")[0]
        if not source.exists(relative):
            continue
        try:
            own = copy(relative)
        except ValueError as exc:
            problems[relative] = f"the file {prefix + relative} cannot be graded: {exc}"
            continue
        if not relative.endswith(".py"):
            digests[relative] = own
            continue
        if folder not in helpers:
            course_names = {p.name for p in (course / "exercises" / folder).glob("*.py")}
            found = []
            for name in source.files_in(folder):
                if name.endswith(".py") and name not in course_names and len(found) < MAX_HELPERS:
                    try:
                        found.append((name, copy(f"{folder}/{name}" if folder else name)))
                    except ValueError:
                        continue  # a helper that cannot be copied is simply absent
            helpers[folder] = found
        digest = hashlib.sha256(own.encode())
        for name, helper_digest in helpers[folder]:
            digest.update(f"\0{name}\0{helper_digest}".encode())
        digests[relative] = digest.hexdigest()
    return Unpacked(digests, problems, prefix)
