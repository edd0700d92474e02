/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-ins for the kernel's basic types, just enough for block/
 * to compile in the unit-test harness.
 */
#ifndef SHIM_LINUX_TYPES_H
#define SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/cdefs.h>		/* __always_inline, as the kernel has it */
#include <sys/types.h>

/* As on the kernel's 64-bit architectures: u64 is unsigned long long. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;

typedef u64 dma_addr_t;
typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef u64 pci_bus_addr_t;

/* Sparse annotations mean nothing here. */
#define __user
#define __percpu
#define __iomem
#define __rcu
#define __force
#define __bitwise

typedef unsigned int __bitwise gfp_t;

/*
 * The kernel's attribute shorthands.  Like its compiler_attributes.h,
 * this is where the raw attribute is spelled out, once.
 */
#define SIM_ATTRIBUTE		__attribute__
#define __must_check		SIM_ATTRIBUTE((warn_unused_result))
#define __printf(a, b)		SIM_ATTRIBUTE((format(printf, a, b)))
#define noinline		SIM_ATTRIBUTE((__noinline__))

struct list_head {
	struct list_head *next, *prev;
};

#endif /* SHIM_LINUX_TYPES_H */
