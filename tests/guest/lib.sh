# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for scripts that run inside the guest (tests/vm/run): find the
# emulated NVMe controllers, give each one to a driver, find its disks.
#
#   . tests/guest/lib.sh
#   bdfs=($(nvme_bdfs))                 # PCI addresses, in bus order
#   bind_ctrl "${bdfs[0]}" nvme         # in-tree driver
#   bind_ctrl "${bdfs[1]}" nvme-phys io_timeout=5    # ours, with parameters
#   dev=$(ctrl_disk "${bdfs[1]}")       # /dev/nvme1000n1
#   stats=$(phys_debugfs "${bdfs[1]}")  # /sys/kernel/debug/nvme-phys/nvme1000

# PCI addresses of NVMe controllers (class 0x010802).
nvme_bdfs() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/class")" = 0x010802 ]; then
			basename "$d"
		fi
	done
}

# Load a driver if it is not loaded yet: bind_ctrl does it for you.
# nvme-phys comes with its mapping statistics on (dma_stats=1), which the
# tests read; a dma_stats=0 among the parameters wins.
load_driver() {
	local drv=$1
	shift
	case $drv in
	nvme) modprobe nvme "$@" ;;
	nvme-phys) [ -d /sys/module/nvme_phys ] || modprobe nvme-phys dma_stats=1 "$@" ;;
	*) echo "load_driver: unknown driver $drv" >&2; return 1 ;;
	esac
}

# Keep controllers nobody asked for away from a driver about to load: an
# override naming no driver ("none") matches nothing.
hold_unclaimed() {
	local b d o
	for b in $(nvme_bdfs); do
		d=/sys/bus/pci/devices/$b
		o=$(cat "$d/driver_override")
		# An override never set, or cleared, reads "(null)".
		if [ ! -e "$d/driver" ] && { [ -z "$o" ] || [ "$o" = "(null)" ]; }; then
			echo none >"$d/driver_override"
		fi
	done
}

# bind_ctrl BDF DRIVER [module parameters]: only DRIVER may take BDF; load it
# (parameters apply when this loads it) and wait until the controller's
# namespaces show up.  Other unbound controllers stay unbound.
bind_ctrl() {
	local bdf=$1 drv=$2 dev=/sys/bus/pci/devices/$1
	shift 2
	hold_unclaimed
	if [ -e "$dev/driver" ]; then
		echo "$bdf" >"$dev/driver/unbind"
	fi
	echo "$drv" >"$dev/driver_override"
	load_driver "$drv" "$@" || return 1
	if [ ! -e "$dev/driver" ]; then
		echo "$bdf" >/sys/bus/pci/drivers_probe
	fi
	wait_disk "$bdf"
}

# unbind_ctrl BDF: take the controller from its driver, bind nothing.
unbind_ctrl() {
	local dev=/sys/bus/pci/devices/$1
	if [ -e "$dev/driver" ]; then
		echo "$1" >"$dev/driver/unbind"
	fi
	echo "" >"$dev/driver_override"
}

# The controller name (nvme<N>) of BDF under either driver.
ctrl_name() {
	local dev=/sys/bus/pci/devices/$1
	if [ -r "$dev/nvme_phys/instance" ]; then
		cat "$dev/nvme_phys/instance"
	elif [ -d "$dev/nvme" ]; then
		ls "$dev/nvme" | head -n1
	fi
}

# ctrl_disk BDF [NSID]: the block device of a namespace (default 1).
ctrl_disk() {
	local name
	name=$(ctrl_name "$1")
	if [ -n "$name" ]; then
		echo "/dev/${name}n${2:-1}"
	fi
}

wait_disk() {
	local disk deadline=$((SECONDS + 60))
	while [ $SECONDS -lt $deadline ]; do
		disk=$(ctrl_disk "$1")
		[ -n "$disk" ] && [ -b "$disk" ] && return 0
		sleep 0.2
	done
	echo "wait_disk: no namespace of $1 appeared within 60 s; its driver said:" >&2
	dmesg | grep "$1" | tail -n 5 >&2
	return 1
}

# The nvme-phys sysfs folder and debugfs folder of BDF.
phys_sysfs() {
	echo "/sys/bus/pci/devices/$1/nvme_phys"
}

phys_debugfs() {
	echo "/sys/kernel/debug/nvme-phys/$(ctrl_name "$1")"
}

# set_path BDF PATH: switch the mapping path of an nvme-phys controller.
set_path() {
	echo "$2" >"$(phys_sysfs "$1")/dma_path"
}

# wait_io BDF PID [N]: wait until the controller has mapped more than N
# requests (default 100) since its statistics were reset, or PID is gone.
# fio takes seconds to start under emulation: act once I/O really flows.
wait_io() {
	local all
	all=$(phys_debugfs "$1")/dma/all
	until [ "$(awk 'NR > 1 { s += $2 } END { print s }' "$all")" -gt "${3:-100}" ]; do
		kill -0 "$2" 2>/dev/null || return 0
		sleep 0.2
	done
}

# stat_of BDF PATH KEY: one counter from the path's statistics.
stat_of() {
	awk -v k="$3" '$1 == k { print $2 }' "$(phys_debugfs "$1")/dma/$2"
}
