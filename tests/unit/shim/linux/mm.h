/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pages of the simulated machine.  Every page frame the tests use has a
 * struct page, kept by the simulation in a few regions (RAM and the BARs of
 * peer-to-peer providers); the frame number is stored in the page itself.
 */
#ifndef SHIM_LINUX_MM_H
#define SHIM_LINUX_MM_H

#include <linux/kernel.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	BIT(PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

struct dev_pagemap;

struct page {
	unsigned long pfn;
	struct dev_pagemap *pgmap;	/* non-NULL: ZONE_DEVICE memory */
};

/* The simulation's frame table (simmem.c). */
struct page *sim_pfn_to_page(unsigned long pfn);

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page->pfn;
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return sim_pfn_to_page(pfn);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page->pfn << PAGE_SHIFT;
}

static inline struct page *phys_to_page(phys_addr_t paddr)
{
	return sim_pfn_to_page(paddr >> PAGE_SHIFT);
}

#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

static inline bool is_zone_device_page(const struct page *page)
{
	return !!page->pgmap;
}

#endif /* SHIM_LINUX_MM_H */
