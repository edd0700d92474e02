# SPDX-License-Identifier: GPL-2.0-only
#
# The debug kernel runs on 4-level paging, the ordinary one as Debian boots
# it.  tests/vm/run boots the debug kernel with no5lvl: on QEMU's 5-level
# paging an interrupt in early boot made its KASAN report a false
# wild-memory-access (tests/vm/run says why).  With no5lvl the kernel
# clears the CPU's LA57 flag for good, so /proc/cpuinfo must not list it.
set -eu
kernel=$(uname -r)
echo "kernel $kernel; command line: $(cat /proc/cmdline)"
flags=$(grep -m1 '^flags' /proc/cpuinfo)
la57=no
echo "$flags" | grep -qw la57 && la57=yes
echo "la57 (5-level paging) in /proc/cpuinfo: $la57"
case $kernel in
*-nvmephys-debug)
	grep -qw no5lvl /proc/cmdline || { echo "the debug kernel booted without no5lvl"; exit 1; }
	[ $la57 = no ] || { echo "the debug kernel runs on 5-level paging"; exit 1; }
	echo "debug kernel on 4-level paging"
	;;
*)
	if grep -qw no5lvl /proc/cmdline; then
		echo "the ordinary kernel was booted with no5lvl"
		exit 1
	fi
	echo "ordinary kernel, booted without no5lvl"
	;;
esac
