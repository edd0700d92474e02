# SPDX-License-Identifier: GPL-2.0-only
#
# Every mapping path moves data intact: fio verify=crc32c with random sizes
# from 512 B to 2 MiB, at QD1 and QD64, with page-aligned buffers and with
# buffers 512 bytes into a page, on every namespace of the controller.  Each
# path's statistics must show it mapped requests without an error.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disks=("$(ctrl_disk "${b[0]}" 1)")
[ -b "$(ctrl_disk "${b[0]}" 2)" ] && disks+=("$(ctrl_disk "${b[0]}" 2)")
dbg=$(phys_debugfs "${b[0]}")
echo "disks: ${disks[*]}"

run_fio() {	# path qd mem_align disk offset
	fio --name="verify-$1-qd$2-align$3" --filename="$4" --offset="$5" \
		--ioengine=io_uring --direct=1 --rw=randwrite --bsrange=512-2m \
		--size=12m --iodepth="$2" --mem_align="$3" --verify=crc32c \
		--verify_fatal=1 --do_verify=1 --randrepeat=0 \
		--output-format=terse >/dev/null
}

for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/dma/$path"
	i=0
	for qd in 1 64; do
		for align in 0 512; do
			disk=${disks[$((i % ${#disks[@]}))]}
			run_fio "$path" "$qd" "$align" "$disk" "$((i * 16))m"
			i=$((i + 1))
		done
	done
	req=$(stat_of "${b[0]}" "$path" requests)
	err=$(stat_of "${b[0]}" "$path" errors)
	unm=$(stat_of "${b[0]}" "$path" unmaps)
	echo "$path: requests $req errors $err unmaps $unm"
	[ "$req" -gt 0 ] && [ "$err" = 0 ] && [ "$unm" = "$req" ]
done
echo "verify-paths: ok"
