/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 64-bit division, which user space does natively.  The simulation counts
 * the calls, so that a test can tell how often a hot path divides.
 */
#ifndef SHIM_LINUX_MATH64_H
#define SHIM_LINUX_MATH64_H

#include <linux/types.h>

extern unsigned long long sim_div64_calls;

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	sim_div64_calls++;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	sim_div64_calls++;
	return dividend / divisor;
}

#endif /* SHIM_LINUX_MATH64_H */
