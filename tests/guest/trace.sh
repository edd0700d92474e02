# SPDX-License-Identifier: GPL-2.0-only
#
# The tracepoints nvme_phys:nvmp_dma_map and nvme_phys:nvmp_dma_unmap, read
# through tracefs: for each path, a few direct writes and reads with dd
# while the events are on, then
#  - every map event names this controller, the selected path and a path it
#    may really take, nonzero segments in and out, nonzero bytes, no error;
#  - there are as many unmap events as map events, with the same paths;
#  - the events agree with the path's statistics: as many successful map
#    events as requests, the same bytes, the same IOVA-batched count.
# With the events off, nothing is recorded; with the statistics off
# (dma_stats=0), the events still carry the mapping times.  Then perf and bpftrace (both in
# the root tests/vm/setup makes) count the same events around a read.
# The debug kernel needs more than the default 600 s for all of it.
# guest-timeout: 1200
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
tr=/sys/kernel/tracing
ev=$tr/events/nvme_phys

[ -d "$ev/nvmp_dma_map" ] && [ -d "$ev/nvmp_dma_unmap" ]
for f in dev sel path segs_in segs_out bytes batched err ns; do
	grep -q "field:.* $f;" "$ev/nvmp_dma_map/format"
done
for f in dev sel path segs bytes batched ns; do
	grep -q "field:.* $f;" "$ev/nvmp_dma_unmap/format"
done

echo 0 >"$tr/tracing_on"
echo 4096 >"$tr/buffer_size_kb"
echo >"$tr/trace"
echo 1 >"$ev/enable"

bad() {
	echo "trace: $path: $*"
	exit 1
}

# field NAME: the value of NAME=... on each line of stdin.
field() {
	sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

n=8
for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/dma/$path"
	echo >"$tr/trace"
	echo 1 >"$tr/tracing_on"
	dd if=/dev/urandom of="$path.data" bs=64k count=$n status=none
	dd if="$path.data" of="$disk" bs=64k count=$n oflag=direct status=none
	dd if="$disk" of=/dev/null bs=128k count=$((n / 2)) iflag=direct status=none
	sleep 1
	echo 0 >"$tr/tracing_on"
	grep ' nvmp_dma_map: ' "$tr/trace" >map.log || true
	grep ' nvmp_dma_unmap: ' "$tr/trace" >unmap.log || true
	maps=$(wc -l <map.log)
	unmaps=$(wc -l <unmap.log)
	req=$(stat_of "${b[0]}" "$path" requests)
	bytes=$(stat_of "${b[0]}" "$path" bytes)
	batched=$(stat_of "${b[0]}" "$path" iova_batched)
	tbytes=$(field bytes <map.log | awk '{ s += $1 } END { print s + 0 }')
	tbatched=$(field batched <map.log | grep -c '^1$' || true)
	echo "$path: $maps map and $unmaps unmap events, $tbytes bytes, $tbatched batched;" \
		"statistics: $req requests, $bytes bytes, $batched batched"
	head -n 2 map.log | sed 's/^ */  /'
	head -n 1 unmap.log | sed 's/^ */  /'
	case $path in
	auto) taken='^(phys|iova)$' ;;
	iova) taken='^(iova|phys)$' ;;
	*) taken="^$path\$" ;;
	esac
	# At least the requests dd made (64 KiB writes, 128 KiB reads).
	[ "$maps" -ge $((n + n / 2)) ] || bad "only $maps map events"
	[ "$unmaps" = "$maps" ] || bad "$maps map events but $unmaps unmap events"
	[ "$(field sel <map.log | sort -u)" = "$path" ] || bad "map events of another path"
	[ "$(field sel <unmap.log | sort -u)" = "$path" ] || bad "unmap events of another path"
	field path <map.log | grep -Evq "$taken" && bad "a request took a path $path cannot take"
	[ "$(field path <map.log | sort | uniq -c)" = "$(field path <unmap.log | sort | uniq -c)" ] ||
		bad "map and unmap events disagree on the paths taken"
	sed -n 's/.* nvmp_dma_map: \([^ ]*\) .*/\1/p' map.log | grep -vqx "${b[0]}" &&
		bad "a map event of another device"
	field segs_in <map.log | grep -qx 0 && bad "a map event with no segments in"
	field segs_out <map.log | grep -qx 0 && bad "a map event with no segments out"
	field segs <unmap.log | grep -qx 0 && bad "an unmap event with no segments"
	field bytes <map.log | grep -qx 0 && bad "a map event with no bytes"
	field err <map.log | grep -vqx 0 && bad "a map event with an error"
	[ "$(field bytes <map.log | sort -n)" = "$(field bytes <unmap.log | sort -n)" ] ||
		bad "map and unmap events disagree on the bytes"
	[ "$tbytes" -ge $((n * 2 * 65536)) ] || bad "only $tbytes bytes mapped"
	# The statistics saw the same requests.
	[ "$maps" = "$req" ] && [ "$tbytes" = "$bytes" ] && [ "$tbatched" = "$batched" ] ||
		bad "the statistics disagree with the trace"
done

# Events off: I/O leaves no trace.
path=off
echo 0 >"$ev/enable"
echo >"$tr/trace"
echo 1 >"$tr/tracing_on"
dd if="$disk" of=/dev/null bs=64k count=4 iflag=direct status=none
echo 0 >"$tr/tracing_on"
grep -q 'nvmp_dma_' "$tr/trace" && bad "events recorded while off"

# Statistics off, events on: the events still carry the times, and the
# statistics count nothing.
path=stats-off
param=/sys/module/nvme_phys/parameters/dma_stats
set_path "${b[0]}" phys
echo 0 >"$dbg/dma/all"
echo 0 >"$param"
echo 1 >"$ev/enable"
echo >"$tr/trace"
echo 1 >"$tr/tracing_on"
dd if="$disk" of=/dev/null bs=64k count=4 iflag=direct status=none
echo 0 >"$tr/tracing_on"
echo 0 >"$ev/enable"
echo 1 >"$param"
grep ' nvmp_dma_map: ' "$tr/trace" >map.log || true
grep ' nvmp_dma_unmap: ' "$tr/trace" >unmap.log || true
echo "statistics off: $(wc -l <map.log) map and $(wc -l <unmap.log) unmap events"
[ "$(wc -l <map.log)" -ge 4 ] || bad "only $(wc -l <map.log) map events"
field ns <map.log | grep -qx 0 && bad "a map event without its time"
field ns <unmap.log | grep -qx 0 && bad "an unmap event without its time"
[ "$(stat_of "${b[0]}" phys requests)" = 0 ] || bad "requests counted with the statistics off"

# perf and bpftrace: 16 reads of 64 KiB are at least 16 maps and as many
# unmaps (the tracefs checks above already tie events to requests).
path=perf
command -v perf >/dev/null || bad "no perf in the root: run tests/vm/setup"
perf list 'nvme_phys:*' >perf-list 2>&1
grep -q 'nvme_phys:nvmp_dma_map' perf-list && grep -q 'nvme_phys:nvmp_dma_unmap' perf-list ||
	bad "perf list does not show the events"
timeout 300 perf stat -x, -a -e nvme_phys:nvmp_dma_map -e nvme_phys:nvmp_dma_unmap -- \
	dd if="$disk" of=/dev/null bs=64k count=16 iflag=direct status=none 2>perf-stat.csv ||
	{ cat perf-stat.csv; bad "perf stat failed"; }
maps=$(awk -F, '$3 == "nvme_phys:nvmp_dma_map" { print $1 }' perf-stat.csv)
unmaps=$(awk -F, '$3 == "nvme_phys:nvmp_dma_unmap" { print $1 }' perf-stat.csv)
echo "perf stat: $maps maps, $unmaps unmaps"
[ "${maps:-0}" -ge 16 ] && [ "$maps" = "$unmaps" ] || { cat perf-stat.csv; bad "perf counted wrong"; }

path=bpftrace
# The debug kernel (tests/vm/build-debug-kernel) is built without BTF
# (no debug info), which bpftrace needs to read a tracepoint's arguments:
# bpftrace is checked on the Debian kernel, which has it, and nowhere else
# skipped.
if [ ! -e /sys/kernel/btf/vmlinux ] && [[ $(uname -r) == *-nvmephys-debug ]]; then
	echo "bpftrace: not on the debug kernel, which is built without BTF"
	echo "trace: ok"
	exit 0
fi
command -v bpftrace >/dev/null || bad "no bpftrace in the root: run tests/vm/setup"
bpftrace -lv 'tracepoint:nvme_phys:nvmp_dma_map' >bt-list 2>&1
grep -q 'segs_in' bt-list || { cat bt-list; bad "bpftrace does not see the map event's fields"; }
timeout 300 bpftrace -q -e 'tracepoint:nvme_phys:nvmp_dma_map { @maps = count(); @bytes = sum(args->bytes); }
	tracepoint:nvme_phys:nvmp_dma_unmap { @unmaps = count(); }' \
	-c "dd if=$disk of=/dev/null bs=64k count=16 iflag=direct status=none" >bt.txt 2>&1 ||
	{ cat bt.txt; bad "bpftrace failed"; }
maps=$(sed -n 's/^@maps: //p' bt.txt)
unmaps=$(sed -n 's/^@unmaps: //p' bt.txt)
bytes=$(sed -n 's/^@bytes: //p' bt.txt)
echo "bpftrace: $maps maps, $unmaps unmaps, $bytes bytes"
[ "${maps:-0}" -ge 16 ] && [ "$maps" = "$unmaps" ] && [ "${bytes:-0}" -ge $((16 * 65536)) ] ||
	{ cat bt.txt; bad "bpftrace counted wrong"; }
echo "trace: ok"
