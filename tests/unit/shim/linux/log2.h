/* SPDX-License-Identifier: GPL-2.0-only */
/* Integer base-2 logarithm (of a non-zero value). */
#ifndef SHIM_LINUX_LOG2_H
#define SHIM_LINUX_LOG2_H

#include <linux/types.h>

static inline int sim_ilog2_u64(u64 v)
{
	return 63 - __builtin_clzll(v);
}

#define ilog2(n)	sim_ilog2_u64((u64)(n))

#endif /* SHIM_LINUX_LOG2_H */
