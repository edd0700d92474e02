# SPDX-License-Identifier: GPL-2.0-only
#
# fio-jobs/driver-cost-run, in a guest booted with tests/vm/run --icount:
#  - two rounds measure the in-tree driver and nvme-phys on phys with the
#    statistics off and on: a line for each, every read submitted, and
#    every figure there (no probe missed a run);
#  - on this clock the cheapest submission is the code path's own length,
#    so the two rounds give each variant the same one;
#  - dma_path and dma_stats are put back;
#  - bad options are refused in one line, with nothing written.
# Time limit: see map-cost.sh (the guest's clock jumps on this clock).
# guest-timeout: 86400
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }
fail() {
	echo "driver-cost: $*"
	exit 1
}

for bad in "--rounds 0" "--ios 5" "--paths phys,dma" "--stats 2" "--frob"; do
	# shellcheck disable=SC2086
	if msg=$("$SRC/fio-jobs/driver-cost-run" --out "$OUT/x" $bad 2>&1); then
		fail "'$bad' was accepted"
	fi
	[ "$(echo "$msg" | wc -l)" = 1 ] && [[ $msg == driver-cost-run:\ error:* ]] ||
		fail "'$bad': not one error line: $msg"
	[ ! -e "$OUT/x" ] || fail "'$bad' wrote its output file"
done
echo "driver-cost: bad options refused"

ios=300
"$SRC/fio-jobs/driver-cost-run" --out "$OUT/cost" --rounds 2 --ios $ios \
	--paths phys --stats 0,1 || fail "the run failed"
cat "$OUT/cost"
[ "$(cat "$(phys_sysfs "${b[1]}")/dma_path")" = auto ] || fail "dma_path not put back"
[ "$(cat /sys/module/nvme_phys/parameters/dma_stats)" = Y ] || fail "dma_stats not put back"

# round driver path stats ios submit_ns submits irq_ns irqs submit_min irq_min
awk -v n=$ios '
	NR == 1 { next }
	{
		lines++
		if ($6 <= 0 || $8 <= 0 || $10 <= 0 || $11 <= 0) { print "a figure missing: " $0; bad = 1 }
		if ($7 < n) { print "fewer submissions than reads: " $0; bad = 1 }
		key = $2 " " $3 " " $4
		if (key in min && min[key] != $10) {
			print key ": cheapest submission " min[key] " then " $10; bad = 1
		}
		min[key] = $10
	}
	END { if (lines != 6) { print lines " lines, not 6"; bad = 1 } exit bad }
' "$OUT/cost" || fail "the figures are wrong (above)"
echo "driver-cost: 2 rounds of 3 variants, the same cheapest submission in both"
