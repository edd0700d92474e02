# SPDX-License-Identifier: GPL-2.0-only
#
# Switching the mapping path every second under I/O loses and corrupts
# nothing: fio verifies everything it wrote while the path cycles through all
# six, and every path ends up having carried requests.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
echo 0 >"$dbg/dma/all"

fio --name=switch --filename="$disk" --ioengine=io_uring --direct=1 \
	--rw=randwrite --bsrange=4k-256k --size=192m --iodepth=16 --numjobs=2 \
	--offset_increment=192m --verify=crc32c --verify_fatal=1 --do_verify=1 \
	--output-format=terse >/dev/null &
fio_pid=$!
wait_io "${b[0]}" $fio_pid 0
n=0
while kill -0 $fio_pid 2>/dev/null; do
	for path in phys iova page sg upstream auto; do
		set_path "${b[0]}" "$path" || exit 1
		n=$((n + 1))
		sleep 1
		kill -0 $fio_pid 2>/dev/null || break
	done
done
wait $fio_pid
echo "switched $n times"
cat "$dbg/dma/all"
[ $n -ge 6 ]
awk 'NR > 1 && ($2 == 0 || $8 != 0) { bad = 1 } END { exit bad }' "$dbg/dma/all"
echo "path-switch: ok"
