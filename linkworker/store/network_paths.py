"""Refuse SQLite on a network share: locking breaks on SMB and NFS, and WAL cannot work there."""

from __future__ import annotations

import sys
from pathlib import Path

from linkworker.store.errors import NetworkPathRefused

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afs",
        "9p",
        "ncpfs",
        "coda",
        "glusterfs",
        "ceph",
        "lustre",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.davfs2",
    }
)


def is_unc(path: str) -> bool:
    return path.startswith("\\\\") or path.startswith("//")


def filesystem_of(path: Path, mounts_text: str) -> str | None:
    """The filesystem type of the longest mount point holding ``path``, from /proc/mounts text."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def _windows_drive_is_remote(path: Path) -> bool:
    import ctypes

    drive_remote = 4
    root = path.anchor or str(path)[:3]
    return bool(ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote)  # type: ignore[attr-defined]


def is_network_path(path: Path) -> bool:
    if is_unc(str(path)):
        return True
    resolved = path.resolve()
    if sys.platform == "win32":
        return is_unc(str(resolved)) or _windows_drive_is_remote(resolved)
    mounts = Path("/proc/mounts")
    if not mounts.exists():
        return False
    return filesystem_of(resolved, mounts.read_text()) in NETWORK_FILESYSTEMS


def refuse_network_path(path: Path) -> None:
    """SQLite on SMB or NFS loses locks and cannot use WAL: refuse before touching anything."""
    if is_network_path(path):
        raise NetworkPathRefused(
            f"{path} is on a network drive. SQLite files must stay on this computer: locking "
            "does not work over network shares and records could be lost. To share a caseload "
            "between practices, use a PostgreSQL server (see docs/deployment.md)."
        )
