# SPDX-License-Identifier: GPL-2.0-only
#
# fio-jobs/map-cost-run, in a guest booted with tests/vm/run --icount (the
# instruction clock that make bench's map-cost figures come from):
#  - every shape on every path maps the requests asked for, "pages" in 32
#    segments on our paths, batched into one IOVA range on iova;
#  - two runs give the same map+unmap cost per request on every fixed path,
#    to within 3%: on this clock the figures depend on the code and the
#    buffer, not on the host;
#  - the sysctls it changes and the controller's path are put back;
#  - bad options are refused in one line.
# Its time limit is on the guest's clock, which on the instruction clock
# (sleep=off) jumps ahead to the next timer whenever the guest idles, as
# it does waiting for each I/O that QEMU completes in host time: with a
# second guest busy beside it, 900 s of it passed in under a minute of
# host time.  So the guest's limit is out of the way, and the host's on
# the whole run (tests/check: 3600 s) is what stops a hang.
# guest-timeout: 86400
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }
fail() {
	echo "map-cost: $*"
	exit 1
}

unev=$(cat /proc/sys/vm/compact_unevictable_allowed)
huge=$(cat /proc/sys/vm/nr_hugepages)
count=300
for run in 1 2; do
	"$SRC/fio-jobs/map-cost-run" --out "$OUT/map-cost.$run" --count $count ||
		fail "run $run failed"
done
cat "$OUT/map-cost.1"

[ "$(cat /proc/sys/vm/compact_unevictable_allowed)" = "$unev" ] ||
	fail "vm.compact_unevictable_allowed not put back"
[ "$(cat /proc/sys/vm/nr_hugepages)" = "$huge" ] || fail "vm.nr_hugepages not put back"
[ "$(cat "$(phys_sysfs "${b[1]}")/dma_path")" = auto ] || fail "dma_path not put back to auto"

# shape path requests segs_in segs_out iova_batched map_ns unmap_ns
awk -v n=$count '
	FNR == 1 { next }
	{ key = $1 " " $2; cost = ($7 + $8) / $3 }
	FILENAME ~ /\.1$/ { first[key] = cost; line[key] = $0; next }
	{
		if ($3 != n) { print key ": " $3 " requests, not " n; bad = 1 }
		if (!(key in first)) { print key ": missing from the first run"; bad = 1; next }
		d = cost / first[key] - 1
		if ($2 != "auto" && (d > 0.03 || d < -0.03)) {
			printf "%s: %.0f then %.0f ns per request\n", key, first[key], cost; bad = 1
		}
		if ($1 == "pages" && ($2 == "phys" || $2 == "page") && $5 != 32 * n) {
			print key ": " $5 " segments mapped, not 32 per request"; bad = 1
		}
		if ($1 == "pages" && $2 == "iova" && $6 != n) {
			print key ": " $6 " requests batched, not all " n; bad = 1
		}
		seen++
	}
	END { if (seen != 18) { print seen " lines, not 18"; bad = 1 } exit bad }
' "$OUT/map-cost.1" "$OUT/map-cost.2" || fail "the two runs disagree (above)"
echo "map-cost: 18 shape/path pairs, fixed paths within 3% from run to run"

for bad in "--count 0" "--shapes 4k,ring" "--paths iova,dma" "--frob"; do
	# shellcheck disable=SC2086
	if msg=$("$SRC/fio-jobs/map-cost-run" --out "$OUT/x" $bad 2>&1); then
		fail "'$bad' was accepted"
	fi
	[ "$(echo "$msg" | wc -l)" = 1 ] && [[ $msg == map-cost-run:\ error:* ]] ||
		fail "'$bad': not one error line: $msg"
	[ ! -e "$OUT/x" ] || fail "'$bad' wrote its output file"
done
echo "map-cost: bad options refused"
