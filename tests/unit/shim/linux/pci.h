/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI devices of the simulated topology (simpci.c): a list of devices with
 * reference counts, their upstream bridges, PCIe port types, BARs and a
 * small configuration space.
 */
#ifndef SHIM_LINUX_PCI_H
#define SHIM_LINUX_PCI_H

#include <linux/device.h>
#include <linux/ioport.h>

#define PCI_STD_NUM_BARS	6
#define PCI_NUM_RESOURCES	17
#define PCI_ANY_ID		(~0U)

/* PCIe port types (Device/Port Type field of the PCIe capability). */
#define PCI_EXP_TYPE_ENDPOINT	0x0
#define PCI_EXP_TYPE_ROOT_PORT	0x4
#define PCI_EXP_TYPE_UPSTREAM	0x5
#define PCI_EXP_TYPE_DOWNSTREAM	0x6
#define PCI_EXP_TYPE_RC_END	0x9

/* The ACS extended capability: control register and its redirect bits. */
#define PCI_EXT_CAP_ID_ACS	0x0d
#define PCI_ACS_CTRL		0x06
#define PCI_ACS_SV		0x0001
#define PCI_ACS_RR		0x0004
#define PCI_ACS_CR		0x0008
#define PCI_ACS_UF		0x0010
#define PCI_ACS_EC		0x0020

#define PCI_SIM_CFG_SIZE	4096

struct pci_p2pdma;

struct pci_dev {
	struct device dev;
	struct pci_dev *upstream;	/* the bridge above, NULL below a host bridge */
	unsigned int vendor, device;
	int pcie_type;
	int host_bridge;		/* which host bridge the device is under */
	u16 acs_cap;			/* offset of the ACS capability, or 0 */
	struct resource resource[PCI_NUM_RESOURCES];
	struct pci_p2pdma *p2pdma;	/* set by pcim_p2pdma_init() */
	int refcount;			/* held by pci_get_device() callers */
	u8 cfg[PCI_SIM_CFG_SIZE];
	struct pci_dev *next;		/* the simulation's device list */
};

#define to_pci_dev(d)	container_of(d, struct pci_dev, dev)

static inline bool dev_is_pci(const struct device *dev)
{
	return dev && dev->is_pci;
}

static inline struct pci_dev *pci_upstream_bridge(struct pci_dev *dev)
{
	return dev->upstream;
}

static inline int pci_pcie_type(const struct pci_dev *dev)
{
	return dev->pcie_type;
}

static inline struct resource *pci_resource_n(struct pci_dev *dev, int bar)
{
	return &dev->resource[bar];
}

#define pci_resource_start(dev, bar)	((dev)->resource[(bar)].start)
#define pci_resource_flags(dev, bar)	((dev)->resource[(bar)].flags)

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device,
			       struct pci_dev *from);
struct pci_dev *pci_dev_get(struct pci_dev *dev);
void pci_dev_put(struct pci_dev *dev);

/* Move *@d to the next device (NULL at the end), as pci_get_device() does. */
static inline bool sim_pci_step(struct pci_dev **d)
{
	*d = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, *d);
	return *d;
}

#define for_each_pci_dev(d)	for (; sim_pci_step(&(d));)

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_find_ext_capability(struct pci_dev *dev, int cap);

#endif /* SHIM_LINUX_PCI_H */
