# SPDX-License-Identifier: GPL-2.0-only
#
# nvme-phys: an NVMe PCI driver whose data path maps physical segments
# straight to bus addresses.
#
#   make               build nvme-phys.ko (against KDIR, or inside the
#                      project's Debian unstable root when KDIR does not exist)
#   make check         every test: unit tests, style, guest tests
#   make check-debug   the guest tests under the debug kernel
#   make bench         the fio comparison of the mapping paths
#   make blktests      upstream blktests on the in-tree nvme driver and on
#                      nvme-phys side by side: one table (BLKTESTS=DIR,
#                      OUT=DIR, TESTS="block/003 ...")
#
# Kbuild (the Kbuild file) lists the objects; this file only drives it.

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifneq ($(wildcard $(KDIR)/Makefile),)
# A kernel build tree is there: the ordinary out-of-tree build.
KBUILD = $(MAKE) -C $(KDIR) M=$(TOP)
else
# No build tree on this machine: build inside the project's root against the
# Debian unstable headers (tests/vm/setup prepares it on first use).
KBUILD = $(TOP)/tests/vm/kbuild
endif

.PHONY: all modules debug-modules clean check check-debug bench blktests unit setup help

# The inner Kbuild runs in a clean environment: pass on what matters.
KBUILD_ARGS = $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)) \
	$(if $(findstring s,$(firstword -$(MAKEFLAGS))),-s)

all modules:
	$(KBUILD) modules $(KBUILD_ARGS)

# nvme-phys.ko for the debug kernel of 'make check-debug', in .debug-build/.
debug-modules:
	$(TOP)/tests/vm/kbuild --debug-kernel modules $(KBUILD_ARGS)

clean:
	$(KBUILD) clean
	$(MAKE) -C tests/unit clean
	rm -rf .debug-build

setup:
	tests/vm/setup

unit:
	$(MAKE) -C tests/unit check

check:
	tests/check

check-debug:
	tests/check --debug-kernel

bench:
	fio-jobs/compare $(if $(QUICK),--quick) $(if $(LAZY),--lazy)

blktests:
	tests/blktests/side-by-side $(if $(BLKTESTS),--blktests $(BLKTESTS)) \
		$(if $(OUT),--out $(OUT)) $(TESTS)

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'
