# SPDX-License-Identifier: GPL-2.0-only
#
# The tracepoints nvme_phys:nvmp_dma_map and nvme_phys:nvmp_dma_unmap, read
# through tracefs (the guest root has neither perf nor bpftrace): for each
# path, a few direct writes and reads with dd while the events are on, then
#  - every map event names this controller, the selected path and a path it
#    may really take, nonzero segments in and out, nonzero bytes, no error;
#  - there are as many unmap events as map events, with the same paths;
#  - the events agree with the path's statistics: as many successful map
#    events as requests, the same bytes, the same IOVA-batched count.
# With the events off, nothing is recorded.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
tr=/sys/kernel/tracing
ev=$tr/events/nvme_phys

if command -v perf >/dev/null; then
	perf list 'nvme_phys:*' | tee perf-list
	grep -q 'nvme_phys:nvmp_dma_map' perf-list
	grep -q 'nvme_phys:nvmp_dma_unmap' perf-list
else
	echo "no perf in the guest: tracefs is the proof"
fi
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
echo "trace: ok"
