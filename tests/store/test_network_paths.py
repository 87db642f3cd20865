"""SQLite never on a network share: UNC paths and network filesystems are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkworker.store.database import open_sqlite
from linkworker.store.errors import NetworkPathRefused
from linkworker.store.network_paths import NETWORK_FILESYSTEMS, filesystem_of, is_unc
from tests.helpers.fake_keyring import MemoryKeyring

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda1 /boot/efi vfat rw,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
fileserver:/export/home /home nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /home/local ext4 rw,relatime 0 0
//practice-nas/Shared\\040Drive /mnt/Shared\\040Drive cifs rw,relatime,vers=3.0 0 0
//practice-nas/data /mnt/data cifs rw 0 0
/dev/sdc1 /mnt/database ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "filesystem"),
    [
        ("/", "ext4"),
        ("/var/lib/linkworker/linkworker.db", "ext4"),
        ("/tmp/linkworker.db", "tmpfs"),
        ("/home", "nfs4"),
        ("/home/ada/.local/share/Linkworker/linkworker.db", "nfs4"),
        ("/home/local/ada/linkworker.db", "ext4"),  # a local disk mounted inside the NFS home
        ("/home/localised/linkworker.db", "nfs4"),  # a name that only starts like the mount point
        ("/mnt/Shared Drive/Linkworker/linkworker.db", "cifs"),  # \040 is a space in /proc/mounts
        ("/mnt/data/linkworker.db", "cifs"),
        ("/mnt/database/linkworker.db", "ext4"),  # not inside /mnt/data
        ("/boot/efi/x", "vfat"),
    ],
)
def test_filesystem_of_picks_the_longest_mount_point(path: str, filesystem: str) -> None:
    assert filesystem_of(Path(path), MOUNTS) == filesystem


def test_a_later_mount_on_the_same_point_hides_the_earlier() -> None:
    mounts = MOUNTS + "server:/srv /mnt/database nfs rw 0 0\n"
    assert filesystem_of(Path("/mnt/database/linkworker.db"), mounts) == "nfs"


def test_no_mount_holding_the_path() -> None:
    assert filesystem_of(Path("/anything"), "proc /proc proc rw 0 0\n") is None
    assert filesystem_of(Path("/anything"), "") is None


def test_the_network_filesystems_are_the_shared_ones() -> None:
    assert {"nfs", "nfs4", "cifs", "smb3", "fuse.sshfs"} <= NETWORK_FILESYSTEMS
    assert not {"ext4", "xfs", "btrfs", "tmpfs", "vfat", "ntfs", "overlay"} & NETWORK_FILESYSTEMS


@pytest.mark.parametrize(
    ("path", "unc"),
    [
        ("\\\\practice-nas\\shared\\linkworker.db", True),
        ("//practice-nas/shared/linkworker.db", True),
        ("C:\\Users\\ada\\linkworker.db", False),
        ("/home/ada/linkworker.db", False),
        ("relative\\\\linkworker.db", False),
    ],
)
def test_unc_paths(path: str, unc: bool) -> None:
    assert is_unc(path) is unc


@pytest.mark.parametrize(
    "path", ["\\\\practice-nas\\shared\\linkworker.db", "//practice-nas/shared/linkworker.db"]
)
def test_opening_a_file_on_a_unc_path_is_refused_before_anything_is_made(
    path: str, tmp_path: Path, fake_keyring: MemoryKeyring
) -> None:
    with pytest.raises(NetworkPathRefused, match="PostgreSQL"):
        open_sqlite(Path(path), tmp_path / "keys")
    assert fake_keyring.secrets == {}
    assert not (tmp_path / "keys").exists()
