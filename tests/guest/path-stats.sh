# SPDX-License-Identifier: GPL-2.0-only
#
# The statistics say what each path really did:
#  - 128 KiB reads into 4 KiB pages give several segments per request (how
#    many depends on how scattered the pages fio gets are), and under a
#    translating IOMMU iova and auto batch every request into one IOVA range;
#    without one, iova falls back to phys for every request;
#  - the same reads into a 2 MiB huge page merge into one segment each;
#  - page and sg never touch the IOVA API;
#  - writing 0 resets a path's counters, anything else is refused.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
type=$(cat "/sys/bus/pci/devices/${b[0]}/iommu_group/type" 2>/dev/null || echo none)
case $type in DMA | DMA-FQ) translated=1 ;; *) translated=0 ;; esac
echo "IOMMU domain: $type"

# Prime the disk so reads return data.
dd if=/dev/urandom of="$disk" bs=1M count=16 oflag=direct status=none

# 4 KiB pages: no transparent huge pages for fio's buffers.
echo never >/sys/kernel/mm/transparent_hugepage/enabled
reads() {	# path mem
	echo 0 >"$dbg/dma/$1"
	fio --name="stats-$1-$2" --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randread --bs=128k --size=16m --iodepth=4 --mem="$2" \
		--norandommap --number_ios=32 --output-format=terse >/dev/null
}
ratio() {	# path -> segments per request, integer
	echo $(($(stat_of "${b[0]}" "$1" segs_out) / $(stat_of "${b[0]}" "$1" requests)))
}

for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	reads "$path" malloc
	req=$(stat_of "${b[0]}" "$path" requests)
	batched=$(stat_of "${b[0]}" "$path" iova_batched)
	fallback=$(stat_of "${b[0]}" "$path" iova_fallback)
	segs=$(ratio "$path")
	echo "$path 4k pages: requests $req segs/request $segs batched $batched fallback $fallback"
	[ "$req" -ge 32 ]
	case $path in
	auto | iova)
		[ "$segs" -ge 2 ]
		if [ $translated = 1 ]; then
			[ "$batched" = "$req" ] && [ "$fallback" = 0 ]
		else
			[ "$batched" = 0 ]
			[ $path = auto ] || [ "$fallback" = "$req" ]
		fi
		;;
	phys)
		[ "$segs" -ge 2 ] && [ "$batched" = 0 ]
		;;
	page | sg)
		[ "$batched" = 0 ] && [ "$fallback" = 0 ]
		;;
	esac
done

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
echo "path-stats: ok"
