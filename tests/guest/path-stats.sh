# SPDX-License-Identifier: GPL-2.0-only
#
# The statistics say what each path really did:
#  - 128 KiB reads into 4 KiB pages give many segments per request, and
#    under a translating IOMMU iova batches every request into one IOVA
#    range; without one, iova falls back to phys for every request.  fio's
#    buffer is a tmpfs file whose pages were checked to lie physically
#    apart (see scatter; fio's own malloc'd buffers came out physically
#    contiguous in a fresh guest);
#  - auto chooses from what it measured (dma/auto_model): under a
#    translating IOMMU every bucket that saw enough requests measured both
#    paths, explored the costlier one two requests every 256 to 4096, and took
#    the path its model finds cheaper; without one, auto is phys, unmeasured;
#  - the same reads into a 2 MiB huge page merge into one segment each;
#  - page and sg never touch the IOVA API;
#  - writing 0 resets a path's counters, anything else is refused;
#  - with dma_stats off nothing is counted, and on again it counts.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
type=$(cat "/sys/bus/pci/devices/${b[0]}/iommu_group/type" 2>/dev/null || echo none)
case $type in DMA | DMA-FQ) translated=1 ;; *) translated=0 ;; esac
echo "IOMMU domain: $type"
# A failed check shows what it was looking at: every path's counters and
# auto's model.
trap 'echo "failed at line $LINENO; the statistics then:"; cat "$dbg/dma/all" "$dbg/dma/auto_model"' ERR

# Prime the disk so reads return data.
dd if=/dev/urandom of="$disk" bs=1M count=16 oflag=direct status=none

# 4 KiB pages: no transparent huge pages for fio's buffers (a kernel
# without THP, such as the debug kernel, has none to switch off).
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -e $thp ]; then
	echo never >$thp
fi
# scatter: a 2 MiB tmpfs file for fio's buffer whose pages lie physically
# apart.  Its pages are written in a shuffled order, and the file is made
# again until /proc/self/pagemap shows at most 64 of its 511 neighbouring
# pairs physically adjacent: the allocator's free lists, left in the order
# the previous file was freed in, can hand out a run of adjacent pages
# whatever order they are written in.  fio maps the file shared
# (mem=mmapshared), so its reads land in these very pages; mem=mmap maps it
# private, and the reads then land in anonymous copies allocated at the
# first read, in whatever order the allocator had at hand: some runs saw
# 128 KiB reads in 1 segment however scattered the file was.
buf=/dev/shm/path-stats-buf
trap 'rm -f "$buf"' EXIT
scatter() {
	python3 - "$buf" <<'PY'
import ctypes, mmap, os, random, struct, sys

path, pages = sys.argv[1], 512
size = pages * 4096
pagemap = os.open("/proc/self/pagemap", os.O_RDONLY)
for attempt in range(1, 11):
    if os.path.exists(path):
        os.unlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    order = list(range(pages))
    random.Random(attempt).shuffle(order)
    for i in order:
        os.pwrite(fd, b"\x5a" * 4096, i * 4096)
    m = mmap.mmap(fd, size)
    os.close(fd)
    view = (ctypes.c_char * size).from_buffer(m)
    addr = ctypes.addressof(view)
    for i in range(pages):
        view[i * 4096]
    raw = os.pread(pagemap, 8 * pages, addr // 4096 * 8)
    del view
    m.close()
    entries = struct.unpack("<%dQ" % pages, raw)
    if not all(e >> 63 for e in entries) or not any(e & ((1 << 55) - 1) for e in entries):
        sys.exit("scatter: /proc/self/pagemap shows no page frames (not root?)")
    pfn = [e & ((1 << 55) - 1) for e in entries]
    adjacent = sum(pfn[i + 1] == pfn[i] + 1 for i in range(pages - 1))
    if adjacent <= 64:
        print("scatter: %d of %d neighbouring pages adjacent (attempt %d)"
              % (adjacent, pages - 1, attempt), file=sys.stderr)
        sys.exit(0)
sys.exit("scatter: every attempt left more than 64 neighbouring pages adjacent")
PY
}
reads() {	# path mem
	echo 0 >"$dbg/dma/$1"
	[ "$2" != scattered ] || scatter
	fio --name="stats-$1-$2" --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randread --bs=128k --size=16m --iodepth=4 \
		--mem="$([ "$2" = scattered ] && echo "mmapshared:$buf" || echo "$2")" \
		--norandommap --number_ios=32 --output-format=terse >/dev/null
}
ratio() {	# path -> segments per request, integer
	echo $(($(stat_of "${b[0]}" "$1" segs_out) / $(stat_of "${b[0]}" "$1" requests)))
}

for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	reads "$path" scattered
	req=$(stat_of "${b[0]}" "$path" requests)
	batched=$(stat_of "${b[0]}" "$path" iova_batched)
	fallback=$(stat_of "${b[0]}" "$path" iova_fallback)
	segs=$(ratio "$path")
	echo "$path 4k pages: requests $req segs/request $segs batched $batched fallback $fallback"
	[ "$req" -ge 32 ]
	case $path in
	iova)
		[ "$segs" -ge 2 ]
		if [ $translated = 1 ]; then
			[ "$batched" = "$req" ]
			[ "$fallback" = 0 ]
		else
			[ "$batched" = 0 ]
			[ "$fallback" = "$req" ]
		fi
		;;
	auto)
		# What it chose is checked against its model below.
		[ "$segs" -ge 2 ]
		[ "$fallback" = 0 ]
		[ $translated = 1 ] || [ "$batched" = 0 ]
		;;
	phys)
		[ "$segs" -ge 2 ]
		[ "$batched" = 0 ]
		;;
	page | sg)
		[ "$batched" = 0 ]
		[ "$fallback" = 0 ]
		;;
	esac
done

# auto's model, from a longer run of its own: one line per segment-count
# bucket (bucket segs phys_ns iova_ns phys_samples iova_samples choice
# picked_phys picked_iova explored warmup explore_every).
set_path "${b[0]}" auto
echo 0 >"$dbg/dma/auto_model"
echo 0 >"$dbg/dma/auto"
scatter
fio --name=auto-model --filename="$disk" --ioengine=io_uring --direct=1 \
	--rw=randread --bs=128k --size=64m --iodepth=4 --mem="mmapshared:$buf" \
	--norandommap --number_ios=400 --output-format=terse >/dev/null
cat "$dbg/dma/auto_model"
req=$(stat_of "${b[0]}" auto requests)
[ "$req" -ge 400 ]
if [ $translated = 1 ]; then
	# Every request auto mapped counts in one bucket, once.
	[ "$(awk 'NR > 1 { s += $8 + $9 + $10 + $11 } END { print s }' "$dbg/dma/auto_model")" = "$req" ]
	awk -v explore=256 -v explore_max=4096 -v warmup=8 -v run=2 -v enough=128 '
	function fail(why) { print "auto_model bucket " $2 ": " why; bad = 1 }
	NR > 1 {
		n = $8 + $9 + $10 + $11
		if (n - $11 < enough)
			next
		seen++
		if ($5 < warmup || $6 < warmup)
			fail("a path measured fewer than " warmup " times")
		if ($7 != "phys" && $7 != "iova")
			fail("still warming up after " n " requests")
		# Exploration: a run of 2 every 256 to 4096 requests per CPU
		# (256 times costlier / cheaper estimate), give or take the
		# ticks each CPU carries over; none yet only where that run was
		# short.
		if ($10 > run * ((n - $11) / explore + 2) ||
		    ($10 < 1 && n - $11 >= 2 * explore_max))
			fail($10 " explored requests in " n " requests")
		if ($12 < explore || $12 > explore_max)
			fail("explores every " $12 " requests")
		# Where the model sees a clear difference (half as much again),
		# auto took the path it finds cheaper for most of the requests.
		lo = $3 < $4 ? $3 : $4
		hi = $3 < $4 ? $4 : $3
		if (hi * 2 >= lo * 3) {
			most = $8 >= $9 ? "phys" : "iova"
			if (most != $7)
				fail("model says " $7 " (" $3 " vs " $4 " ns) but auto took " most " most")
			clear++
		}
	}
	END {
		print seen + 0 " bucket(s) with enough requests, " clear + 0 " with a clear winner"
		if (!seen) { print "no bucket saw enough requests"; bad = 1 }
		exit bad
	}' "$dbg/dma/auto_model"
else
	# No translating IOMMU: phys, with no model at all.
	[ "$(stat_of "${b[0]}" auto iova_batched)" = 0 ]
	[ "$(awk 'NR > 1 && ($7 != "phys" || $5 + $6 + $8 + $9 + $10 + $11 + $12) { n++ } END { print n + 0 }' \
		"$dbg/dma/auto_model")" = 0 ]
fi
# Writing 0 forgets the model, anything else is refused.
if echo 7 >"$dbg/dma/auto_model" 2>/dev/null; then echo "writing 7 was accepted"; exit 1; fi
echo 0 >"$dbg/dma/auto_model"
[ "$(awk 'NR > 1 { s += $5 + $6 + $8 + $9 + $10 + $11 + $12 } END { print s }' "$dbg/dma/auto_model")" = 0 ]

# Huge pages: one segment per 128 KiB request on the phys-walk paths.
echo 8 >/proc/sys/vm/nr_hugepages
[ "$(cat /proc/sys/vm/nr_hugepages)" -ge 1 ]
for path in phys iova auto; do
	set_path "${b[0]}" "$path"
	reads "$path" mmaphuge
	echo "$path huge page: segs/request $(ratio "$path") (segs_in $(stat_of "${b[0]}" "$path" segs_in))"
	[ "$(stat_of "${b[0]}" "$path" segs_out)" = "$(stat_of "${b[0]}" "$path" requests)" ]
	# The pieces the bio carried were merged: more in than out.
	[ "$(stat_of "${b[0]}" "$path" segs_in)" -ge "$(stat_of "${b[0]}" "$path" segs_out)" ]
done

# Reset: 0 clears, anything else is refused and changes nothing.
before=$(stat_of "${b[0]}" auto requests)
if echo 5 >"$dbg/dma/auto" 2>/dev/null; then echo "writing 5 was accepted"; exit 1; fi
[ "$(stat_of "${b[0]}" auto requests)" = "$before" ]
echo 0 >"$dbg/dma/all"
[ "$(awk 'NR > 1 { s += $2 } END { print s }' "$dbg/dma/all")" = 0 ]

# dma_stats: off (the module's default), reads on every path count nothing;
# on again, they count.  A value that is not a boolean is refused.
param=/sys/module/nvme_phys/parameters/dma_stats
[ "$(cat $param)" = Y ]
if echo maybe >$param 2>/dev/null; then echo "dma_stats took 'maybe'"; exit 1; fi
[ "$(cat $param)" = Y ]
echo 0 >$param
[ "$(cat $param)" = N ]
for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	dd if="$disk" of=/dev/null bs=64k count=8 iflag=direct status=none
done
all=$(awk 'NR > 1 { for (i = 2; i <= NF; i++) s += $i } END { print s + 0 }' "$dbg/dma/all")
echo "statistics off: dma/all adds up to $all"
[ "$all" = 0 ]
echo 1 >$param
set_path "${b[0]}" phys
dd if="$disk" of=/dev/null bs=64k count=8 iflag=direct status=none
echo "statistics on again: $(stat_of "${b[0]}" phys requests) phys requests"
[ "$(stat_of "${b[0]}" phys requests)" -ge 8 ]
echo "path-stats: ok"
