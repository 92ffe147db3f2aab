#!/bin/sh
# Builds the file-system test images for imagescan from one small tree.
# Needs Debian's squashfs-tools, e2fsprogs, dosfstools, mtools, xorriso, bzip2:
#   apt-get install -y squashfs-tools e2fsprogs dosfstools mtools xorriso bzip2
# The outputs are committed, so the tests do not need these tools.
# Large, mostly empty images are stored gzip-compressed (the scanner
# decompresses them in memory, which also tests nesting).
set -eu
cd "$(dirname "$0")"
export E2FSPROGS_FAKE_TIME=1700000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree/etc" "$tree/usr/bin" "$tree/usr/lib" "$tree/var/lib/opkg"
printf 'ID=testos\nVERSION_ID=1.0\n' > "$tree/etc/os-release"
printf '#!/bin/sh\necho hello\n' > "$tree/usr/bin/hello"
printf 'libfoo 1.2.3\n' > "$tree/usr/lib/libfoo.so.1.2.3"
ln -s libfoo.so.1.2.3 "$tree/usr/lib/libfoo.so.1"
ln -s /etc/os-release "$tree/usr/lib/os-release"
printf 'Package: busybox\nVersion: 1.36.1\n' > "$tree/var/lib/opkg/status"
find "$tree" -exec touch -h -d @1700000000 {} +

for c in gzip xz zstd lz4 lzo; do
	mksquashfs "$tree" "squashfs-$c.sqfs" -comp "$c" -noappend -all-root \
		-mkfs-time 1700000000 -all-time 1700000000 -no-progress -quiet >/dev/null
done

mkfs.ext4 -q -F -b 1024 -O ^has_journal -N 32 -U 11111111-2222-3333-4444-555555555555 \
	-E root_owner=0:0,hash_seed=11111111-2222-3333-4444-555555555555 \
	-d "$tree" "$work/ext4.img" 1024 >/dev/null 2>&1
gzip -9 -n -c "$work/ext4.img" > ext4.img.gz

# FAT has no symlinks; mtools copies the regular files.
fat() { # fat NAME MKFS-ARGS SIZE-KB
	rm -f "$work/$1"
	mkfs.vfat $2 -i 12345678 -n TESTFAT -C "$work/$1" "$3" >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$work/$1" ::/etc ::/usr ::/usr/bin
	MTOOLS_SKIP_CHECK=1 mcopy -m -i "$work/$1" "$tree/etc/os-release" ::/etc/os-release
	MTOOLS_SKIP_CHECK=1 mcopy -m -i "$work/$1" "$tree/usr/bin/hello" ::/usr/bin/hello
	gzip -9 -n -c "$work/$1" > "$1.gz"
}
fat fat12.img "-F 12" 256
fat fat16.img "-F 16 -s 1" 4200
fat fat32.img "-F 32 -s 1" 34000

# bzip2 has no writer in Go's standard library.
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner \
	-C "$tree" -cf - . | bzip2 -9 > tree.tar.bz2

xorriso -as mkisofs -quiet -R -V TESTISO -o "$work/tree.iso" "$tree" 2>/dev/null
gzip -9 -n -c "$work/tree.iso" > iso9660.iso.gz
ls -l

# A larger tree for comparing imagescan's own squashfs reader with
# go-diskfs: 4 KiB blocks, so that small files span many blocks; files
# whose tails share fragment blocks; a sparse file; incompressible data
# (stored uncompressed); a duplicate (deduplicated by mksquashfs); a hard
# link; a directory of 300 entries (several listing headers); a nested
# gzip file; deep directories.
big=$work/big
python3 - "$big" <<'PY'
import gzip, os, random, sys
root = sys.argv[1]
rng = random.Random(1)
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(300)]
def text(n):
    out = []
    size = 0
    while size < n:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return (" ".join(out).encode() + b"\n")[:n]
def put(rel, data):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
big = text(40_000)
put("big/text", big)
put("big/copy", big)
put("big/exact", text(8192))
put("big/random", bytes(rng.getrandbits(8) for _ in range(9000)))
put("big/sparse", text(5000) + bytes(16384) + text(3000))
put("big/empty", b"")
put("etc/os-release", b"ID=testos\nVERSION_ID=1.0\n")
put("usr/share/doc/changelog.gz", gzip.compress(text(10_000), mtime=0))
for i in range(300):
    put("many/f%03d" % i, text(rng.randint(1, 600)))
put("a/b/c/d/e/f/g/deep", text(100))
os.link(os.path.join(root, "big/text"), os.path.join(root, "big/hardlink"))
os.symlink("text", os.path.join(root, "big/link"))
os.symlink("/etc/os-release", os.path.join(root, "usr/os-release"))
PY
find "$big" -exec touch -h -d @1700000000 {} +
for c in gzip xz zstd lzo; do
	mksquashfs "$big" "squashfs-big-$c.sqfs" -comp "$c" -b 4096 -noappend -all-root \
		-mkfs-time 1700000000 -all-time 1700000000 -no-progress -quiet >/dev/null
done
