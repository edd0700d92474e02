/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer entry point.  libFuzzer calls a function of a fixed
 * (CamelCase) symbol name; this gives that symbol a kernel-style C name.
 */
#ifndef NVMP_UNIT_FUZZ_H
#define NVMP_UNIT_FUZZ_H

#include <linux/types.h>

int fuzz_one_input(const u8 *data, size_t size) __asm__("LLVMFuzzerTestOneInput");

#endif /* NVMP_UNIT_FUZZ_H */
