/* SPDX-License-Identifier: GPL-2.0-only */
/* Device memory maps: which ZONE_DEVICE kind a page belongs to. */
#ifndef SHIM_LINUX_MEMREMAP_H
#define SHIM_LINUX_MEMREMAP_H

#include <linux/mm.h>

enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct p2pdma_provider;

struct dev_pagemap {
	enum memory_type type;
	struct p2pdma_provider *p2p;	/* the provider of P2PDMA memory */
};

static inline bool is_pci_p2pdma_page(const struct page *page)
{
	return page->pgmap && page->pgmap->type == MEMORY_DEVICE_PCI_P2PDMA;
}

static inline bool zone_device_pages_have_same_pgmap(const struct page *a,
						     const struct page *b)
{
	return a->pgmap == b->pgmap;
}

#endif /* SHIM_LINUX_MEMREMAP_H */
