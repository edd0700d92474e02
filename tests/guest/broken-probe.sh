# SPDX-License-Identifier: GPL-2.0-only
#
# Harness self-test only (tests/vm/selftest): bind a controller to a module
# whose probe WARNs.  The test itself "succeeds"; the runner must still
# report it as failed because of the kernel's warning.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
hold_unclaimed
insmod "$SRC/tests/vm/broken-module/nvmp-broken.ko"
echo nvmp-broken >"/sys/bus/pci/devices/${b[0]}/driver_override"
echo "${b[0]}" >/sys/bus/pci/drivers_probe || true
rmmod nvmp_broken
