/* SPDX-License-Identifier: GPL-2.0-only */
/* Bus resources: a BAR is one of these. */
#ifndef SHIM_LINUX_IOPORT_H
#define SHIM_LINUX_IOPORT_H

#include <linux/types.h>

struct resource {
	resource_size_t start;
	resource_size_t end;		/* last byte, inclusive */
	const char *name;
	unsigned long flags;
};

#define IORESOURCE_TYPE_BITS	0x00001f00UL
#define IORESOURCE_IO		0x00000100UL
#define IORESOURCE_MEM		0x00000200UL
#define IORESOURCE_PREFETCH	0x00002000UL
#define IORESOURCE_MEM_64	0x00100000UL

static inline unsigned long resource_type(const struct resource *res)
{
	return res->flags & IORESOURCE_TYPE_BITS;
}

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

#endif /* SHIM_LINUX_IOPORT_H */
