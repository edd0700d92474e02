/* SPDX-License-Identifier: GPL-2.0-only */
/* Monotonic time in nanoseconds. */
#ifndef SHIM_LINUX_KTIME_H
#define SHIM_LINUX_KTIME_H

#include <linux/types.h>

u64 ktime_get_ns(void);

#endif /* SHIM_LINUX_KTIME_H */
