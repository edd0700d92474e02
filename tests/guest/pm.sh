# SPDX-License-Identifier: GPL-2.0-only
#
# The guest half of the system sleep test: tests/vm/pm-check runs it and
# judges it.  While fio writes and verifies on the nvme-phys disk: two real
# suspends to RAM (the host wakes the guest through QEMU's monitor, and
# QEMU resets every device on wakeup, so the controller comes back from
# nothing), then a hibernation test cycle (/sys/power/pm_test "devices":
# freeze and restore, no image written).
#
# A system sleep takes this guest's root away: virtio-pci resets the 9p
# device on resume and the 9p transport does not set it up again.  So all
# this script does after the first sleep is bash builtins, sysfs and
# procfs, and fio (already running, its state file off, its report to
# /tmp); it reports on /dev/console, which the host reads from the serial
# log, and resets the guest (which ends QEMU).  The whole script is one function, read
# before it runs.
main() {
	set -eu
	. "${SRC:-$NVME_PHYS_SRC}/tests/guest/lib.sh"
	local b disk pid i f rc
	b=($(nvme_bdfs))
	bind_ctrl "${b[0]}" nvme-phys
	disk=$(ctrl_disk "${b[0]}")
	cd /tmp
	# From here on, every line goes to the serial console, the kernel's
	# messages too.
	exec >/dev/console 2>&1
	echo 8 >/proc/sys/kernel/printk
	echo "nvmp-pm: start ${b[0]} $disk"
	fio --name=pm --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=4k-64k --size=32m --iodepth=16 \
		--time_based --runtime=60 --verify=crc32c --verify_backlog=64 \
		--verify_fatal=1 --verify_state_save=0 --output-format=terse \
		--output=/tmp/fio-pm.txt &
	pid=$!
	wait_io "${b[0]}" $pid 200
	# Every page of fio and bash and of their libraries into the page
	# cache now: code they have not run yet (fio's report, its exit) is
	# faulted in from there after the root is gone.
	local f files=()
	for f in "$(command -v fio)" "$BASH"; do
		files+=("$f" $(ldd "$f" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'))
	done
	cat "${files[@]}" >/dev/null
	# For the hibernation cycle, an image as large as memory: nothing is
	# reclaimed to make room, so no page of fio or bash has to come back
	# from the root, which the first sleep takes away.
	echo "$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) * 1024))" \
		>/sys/power/image_size
	set +e
	for i in 1 2; do
		echo "nvmp-pm: suspend to RAM $i"
		echo mem >/sys/power/state
		rc=$?
		echo "nvmp-pm: suspend to RAM $i: $rc"
	done
	echo devices >/sys/power/pm_test
	echo "nvmp-pm: hibernation test cycle"
	echo disk >/sys/power/state
	rc=$?
	echo "nvmp-pm: hibernation test cycle: $rc"
	echo none >/sys/power/pm_test
	kill -0 $pid 2>/dev/null && echo "nvmp-pm: fio still running after the sleeps"
	# A sleep made of builtins: a read that times out on a pipe from a
	# coprocess that never writes.  fio's report is the verdict; fio's
	# exit is not waited for, as it touches the root.
	coproc nap { read -r; }
	for ((i = 0; i < 40; i++)); do
		[[ -s /tmp/fio-pm.txt ]] && break
		read -r -t 5 -u "${nap[0]}" || true
	done
	# Let fio finish writing its one line.
	read -r -t 2 -u "${nap[0]}" || true
	IFS=';' read -r -a f </tmp/fio-pm.txt
	echo "nvmp-pm: fio error ${f[4]:-none}, read ${f[5]:-none} KiB"
	echo "nvmp-pm: state $(<"/sys/bus/pci/devices/${b[0]}/nvme_phys/state")"
	echo "nvmp-pm: end"
	# A reset, not a power-off: QEMU runs with -no-reboot and so ends, and
	# after a wakeup from S3 the firmware has not set up the ACPI power
	# management registers again, which a power-off writes to.
	echo b >/proc/sysrq-trigger
}
main "$@"
