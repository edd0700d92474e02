/* SPDX-License-Identifier: GPL-2.0-only */
/* Compiler helpers of the kernel, reduced to what a single thread needs. */
#ifndef SHIM_LINUX_COMPILER_H
#define SHIM_LINUX_COMPILER_H

#include <linux/types.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* Single, untorn accesses: relaxed atomics are exactly that. */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#endif /* SHIM_LINUX_COMPILER_H */
