/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Peer-to-peer DMA between PCI devices.  A provider is one BAR of a device
 * whose memory is published as ZONE_DEVICE pages; how a client reaches it
 * is one of the map types below.  The simulation (simpci.c) decides the
 * type from its topology the way the kernel's p2pdma core does.
 */
#ifndef SHIM_LINUX_PCI_P2PDMA_H
#define SHIM_LINUX_PCI_P2PDMA_H

#include <linux/memremap.h>
#include <linux/pci.h>

struct p2pdma_provider {
	struct device *owner;
	u64 bus_offset;		/* bus address minus CPU physical address */
};

enum pci_p2pdma_map_type {
	PCI_P2PDMA_MAP_UNKNOWN = 0,	/* not worked out yet */
	PCI_P2PDMA_MAP_NONE,		/* not peer-to-peer memory */
	PCI_P2PDMA_MAP_NOT_SUPPORTED,	/* the two devices cannot talk */
	PCI_P2PDMA_MAP_BUS_ADDR,	/* through a switch: use bus addresses */
	PCI_P2PDMA_MAP_THRU_HOST_BRIDGE,/* through the host: map as MMIO */
};

struct pci_p2pdma_map_state {
	struct p2pdma_provider *mem;
	enum pci_p2pdma_map_type map;
};

struct p2pdma_provider *pcim_p2pdma_provider(struct pci_dev *pdev, int bar);
int pci_p2pdma_distance_many(struct pci_dev *provider, struct device **clients,
			     int num_clients, bool verbose);

static inline int pci_p2pdma_distance(struct pci_dev *provider,
				      struct device *client, bool verbose)
{
	return pci_p2pdma_distance_many(provider, &client, 1, verbose);
}

/* The map type of @page for @dev, cached in @state per provider. */
enum pci_p2pdma_map_type pci_p2pdma_state(struct pci_p2pdma_map_state *state,
					  struct device *dev,
					  struct page *page);

static inline dma_addr_t pci_p2pdma_bus_addr_map(struct p2pdma_provider *provider,
						 phys_addr_t paddr)
{
	return paddr + provider->bus_offset;
}

#endif /* SHIM_LINUX_PCI_P2PDMA_H */
