# SPDX-License-Identifier: GPL-2.0-only
#
# Resets the PCI core runs, and removal with a bus rescan, with the in-tree
# driver loaded first and holding the second controller (the guest has each
# controller behind a PCIe root port of its own, tests/vm/run --root-ports):
# - function resets through sysfs under fio verify: nvme-phys's
#   reset_prepare and reset_done ran for each (their messages), no command
#   timed out (recovery through the timeout handler does not count), and
#   fio's verify passes;
# - AER recovery: a fatal error injected at the controller's root port
#   (aer_inject) under fio verify: error_detected, slot_reset and resume
#   ran, nothing timed out, the verify passes (not with NO_AER=1: the debug
#   kernel has no PCIe AER);
# - removal of both functions and a bus rescan: each comes back to the
#   driver it had, although both drivers match both by class;
# - a function nvme-phys gave to the in-tree driver stays with that one
#   across its removal and a rescan.
# guest-timeout: 900
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }
bind_ctrl "${b[1]}" nvme
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
dev=/sys/bus/pci/devices/${b[0]}
driver_of() {
	basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}
# Messages of nvme-phys about b[0] since the test began.
mark=$(dmesg | wc -l)
said() {
	dmesg | tail -n +"$((mark + 1))" | grep -c "nvme-phys ${b[0]}: $1" || true
}

# verify_under NAME CMD: run CMD three times while fio writes and verifies
# on the nvme-phys disk; CMD must find fio still running each time.
verify_under() {
	local name=$1 pid i
	shift
	fio --name="$name" --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=4k-64k --size=32m --iodepth=16 \
		--time_based --runtime=40 --verify=crc32c --verify_backlog=64 \
		--verify_fatal=1 --output-format=terse >"fio-$name.txt" 2>&1 &
	pid=$!
	echo 0 >"$(phys_debugfs "${b[0]}")/dma/all"
	wait_io "${b[0]}" $pid 200
	for i in 1 2 3; do
		kill -0 $pid || { echo "fio ended before $name $i"; cat "fio-$name.txt"; exit 1; }
		"$@"
		echo "$name $i done"
		sleep 2
	done
	if ! wait $pid; then
		echo "fio failed across $name:"
		tail -n 5 "fio-$name.txt"
		exit 1
	fi
	echo "fio verified across three of $name: $(cut -d';' -f6,7 "fio-$name.txt") KiB/IOs read"
}

echo "--- function reset (sysfs) under fio verify"
verify_under flr sh -c "echo 1 >$dev/reset"
[ "$(said 'function reset: controller stopped')" = 3 ]
[ "$(said 'function reset: controller back')" = 3 ]

# inject N: a fatal error (Malformed TLP) at the controller's root port, as
# struct aer_error_inj has it (bus, dev, fn, uncorrectable and correctable
# status, header log, domain); then wait for the Nth recovery to end (it
# runs in the AER driver's thread).
inject() {
	python3 - "$port" <<-'EOF'
	import struct, sys
	dom, bus, df = sys.argv[1].split(":")
	slot, fn = df.split(".")
	rec = struct.pack("<BBBxIIIIIII", int(bus, 16), int(slot, 16), int(fn, 16),
	                  1 << 18, 0, 0, 0, 0, 0, int(dom, 16))
	with open("/dev/aer_inject", "wb", buffering=0) as f:
	    f.write(rec)
	EOF
	local deadline=$((SECONDS + 60))
	until [ "$(said 'PCI error recovery done, state live')" -ge "$1" ]; do
		[ $SECONDS -lt $deadline ] || { echo "no recovery $1 within 60 s"; exit 1; }
		sleep 0.5
	done
}
n=0
aer_step() {
	n=$((n + 1))
	inject $n
}

if [ "${NO_AER:-0}" = 1 ]; then
	echo "--- AER recovery: not run (NO_AER=1: the debug kernel has no PCIe AER; make check runs it on the Debian kernel)"
else
	echo "--- AER recovery (fatal error at the root port) under fio verify"
	modprobe aer_inject
	port=$(basename "$(readlink -f "$dev/..")")
	echo "root port $port"
	verify_under aer aer_step
	[ "$(said 'PCI error, channel frozen')" = 3 ]
	[ "$(said 'PCI error recovery: controller back after the reset')" = 3 ]
fi

if [ "$(said 'timed out')" != 0 ]; then
	echo "commands timed out:"
	dmesg | grep "${b[0]}" | grep 'timed out' | head -n 5
	exit 1
fi
[ "$(cat "$(phys_sysfs "${b[0]}")/state")" = live ]

echo "--- removal and a bus rescan: each driver keeps its controller"
echo 1 >"/sys/bus/pci/devices/${b[0]}/remove"
echo 1 >"/sys/bus/pci/devices/${b[1]}/remove"
echo 1 >/sys/bus/pci/rescan
wait_disk "${b[0]}"
wait_disk "${b[1]}"
echo "${b[0]}: $(driver_of "${b[0]}"), ${b[1]}: $(driver_of "${b[1]}")"
[ "$(driver_of "${b[0]}")" = nvme-phys ]
[ "$(driver_of "${b[1]}")" = nvme ]
dd if="$(ctrl_disk "${b[0]}")" of=/dev/null bs=64k count=16 iflag=direct status=none

echo "--- a function given to the in-tree driver stays with it"
echo "${b[0]}" >"$dev/driver/unbind"
echo nvme >"$dev/driver_override"
echo "${b[0]}" >/sys/bus/pci/drivers_probe
[ "$(driver_of "${b[0]}")" = nvme ]
echo 1 >"$dev/remove"
echo 1 >/sys/bus/pci/rescan
wait_disk "${b[0]}"
echo "${b[0]}: $(driver_of "${b[0]}")"
[ "$(driver_of "${b[0]}")" = nvme ]
echo "pci-reset: ok"
