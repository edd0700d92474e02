// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated PCI topology and its peer-to-peer providers.
 *
 *   host bridge 0 (peer-to-peer allowed)
 *     rp0 - root port
 *       usp0 - switch upstream port
 *         dsp0 - downstream port ............ nvme0 (client)
 *         dsp1 - downstream port ............ prov-switch, BAR 2
 *         dsp2 - downstream port, ACS RR/CR . prov-acs, BAR 2
 *     rp1 - root port ....................... prov-host, BAR 0
 *     rp3 - root port ....................... nvme1 (client)
 *   host bridge 1 (peer-to-peer not allowed)
 *     rp2 - root port ....................... prov-none, BAR 4
 *
 * What a client gets for a provider follows the kernel's p2pdma rules: a
 * common upstream bridge with no ACS redirect on either path means bus
 * addresses; otherwise the transfer crosses the host, which must allow it.
 * sim_p2p_truth() is that answer; block/ must reach the same one.
 */
#include <stdlib.h>
#include "sim.h"

struct pci_p2pdma {
	struct p2pdma_provider mem[PCI_STD_NUM_BARS];
};

enum {
	D_RP0, D_USP0, D_DSP0, D_DSP1, D_DSP2, D_RP1, D_RP2, D_RP3,
	D_NVME0, D_NVME1, D_PROV_S, D_PROV_A, D_PROV_H, D_PROV_N,
	SIM_NR_PCI,
};

static struct pci_dev *sim_pci[SIM_NR_PCI];
static struct pci_dev *sim_pci_list;
struct pci_dev *sim_clients[SIM_NR_CLIENTS];

/* Host bridges that allow peer-to-peer traffic through them. */
static const bool sim_host_bridge_ok[] = { true, false };

#define SIM_ACS_POS	0x100

struct sim_provider sim_prov[SIM_NR_PROV] = {
	[SIM_PROV_SWITCH] = {
		.name = "prov-switch", .bar = 2,
		.region = { .name = "bar-switch", .start = 0x4000000000ULL,
			    .size = 16ULL << 20 },
		.bus_offset = 0x200000000000ULL - 0x4000000000ULL,
	},
	[SIM_PROV_ACS] = {
		.name = "prov-acs", .bar = 2,
		.region = { .name = "bar-acs", .start = 0x4001000000ULL,
			    .size = 16ULL << 20 },
		.bus_offset = 0x200000000000ULL - 0x4000000000ULL,
	},
	[SIM_PROV_HOST] = {
		.name = "prov-host", .bar = 0,
		.region = { .name = "bar-host", .start = 0x5000000000ULL,
			    .size = 16ULL << 20 },
	},
	[SIM_PROV_NONE] = {
		.name = "prov-none", .bar = 4,
		.region = { .name = "bar-none", .start = 0x6000000000ULL,
			    .size = 16ULL << 20 },
	},
};

static void sim_cfg_write16(struct pci_dev *d, int where, u16 v)
{
	d->cfg[where] = v & 0xff;
	d->cfg[where + 1] = v >> 8;
}

static struct pci_dev *sim_pci_new(const char *name, int type,
				   struct pci_dev *up, int host_bridge)
{
	struct pci_dev *d = calloc(1, sizeof(*d));

	if (!d) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	d->dev.name = name;
	d->dev.is_pci = true;
	d->pcie_type = type;
	d->upstream = up;
	d->host_bridge = host_bridge;
	d->vendor = 0x1b36;
	d->device = 0x0010;
	return d;
}

static void sim_set_bar(struct pci_dev *d, int bar, phys_addr_t start, u64 size)
{
	d->resource[bar].start = start;
	d->resource[bar].end = start + size - 1;
	d->resource[bar].flags = IORESOURCE_MEM | IORESOURCE_MEM_64 |
				 IORESOURCE_PREFETCH;
	d->resource[bar].name = d->dev.name;
}

/* A bridge window: a resource past the BARs that covers what is below. */
static void sim_set_window(struct pci_dev *d, phys_addr_t start, u64 size)
{
	d->resource[13].start = start;
	d->resource[13].end = start + size - 1;
	d->resource[13].flags = IORESOURCE_MEM | IORESOURCE_PREFETCH;
}

static void sim_set_acs(struct pci_dev *d, u16 ctrl)
{
	d->acs_cap = SIM_ACS_POS;
	/* Extended capability header: ID, version 1, no next. */
	sim_cfg_write16(d, SIM_ACS_POS, PCI_EXT_CAP_ID_ACS);
	sim_cfg_write16(d, SIM_ACS_POS + 2, 1);
	sim_cfg_write16(d, SIM_ACS_POS + PCI_ACS_CTRL, ctrl);
}

void sim_pci_init(void)
{
	struct pci_dev **p = sim_pci;
	int i;

	if (sim_pci_list)
		return;
	p[D_RP0] = sim_pci_new("0000:00:01.0", PCI_EXP_TYPE_ROOT_PORT, NULL, 0);
	p[D_USP0] = sim_pci_new("0000:01:00.0", PCI_EXP_TYPE_UPSTREAM, p[D_RP0], 0);
	p[D_DSP0] = sim_pci_new("0000:02:00.0", PCI_EXP_TYPE_DOWNSTREAM, p[D_USP0], 0);
	p[D_DSP1] = sim_pci_new("0000:02:01.0", PCI_EXP_TYPE_DOWNSTREAM, p[D_USP0], 0);
	p[D_DSP2] = sim_pci_new("0000:02:02.0", PCI_EXP_TYPE_DOWNSTREAM, p[D_USP0], 0);
	p[D_RP1] = sim_pci_new("0000:00:02.0", PCI_EXP_TYPE_ROOT_PORT, NULL, 0);
	p[D_RP2] = sim_pci_new("0001:00:01.0", PCI_EXP_TYPE_ROOT_PORT, NULL, 1);
	p[D_RP3] = sim_pci_new("0000:00:03.0", PCI_EXP_TYPE_ROOT_PORT, NULL, 0);
	p[D_NVME0] = sim_pci_new("nvme0", PCI_EXP_TYPE_ENDPOINT, p[D_DSP0], 0);
	p[D_NVME1] = sim_pci_new("nvme1", PCI_EXP_TYPE_ENDPOINT, p[D_RP3], 0);
	p[D_PROV_S] = sim_pci_new("0000:04:00.0", PCI_EXP_TYPE_ENDPOINT, p[D_DSP1], 0);
	p[D_PROV_A] = sim_pci_new("0000:05:00.0", PCI_EXP_TYPE_ENDPOINT, p[D_DSP2], 0);
	p[D_PROV_H] = sim_pci_new("0000:06:00.0", PCI_EXP_TYPE_ENDPOINT, p[D_RP1], 0);
	p[D_PROV_N] = sim_pci_new("0001:01:00.0", PCI_EXP_TYPE_ENDPOINT, p[D_RP2], 1);

	/* Source validation everywhere; redirects only on dsp2. */
	for (i = D_RP0; i <= D_RP3; i++)
		sim_set_acs(p[i], PCI_ACS_SV | PCI_ACS_UF);
	sim_set_acs(p[D_DSP2], PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF);

	sim_prov[SIM_PROV_SWITCH].pdev = p[D_PROV_S];
	sim_prov[SIM_PROV_ACS].pdev = p[D_PROV_A];
	sim_prov[SIM_PROV_HOST].pdev = p[D_PROV_H];
	sim_prov[SIM_PROV_NONE].pdev = p[D_PROV_N];
	for (i = 0; i < SIM_NR_PROV; i++) {
		struct sim_provider *pv = &sim_prov[i];
		struct pci_dev *d = pv->pdev;
		int b;

		d->p2pdma = calloc(1, sizeof(*d->p2pdma));
		if (!d->p2pdma) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		/* A small register BAR first, which is not peer-to-peer memory. */
		sim_set_bar(d, pv->bar ? 0 : 4, 0x7000000000ULL + 0x100000ULL * i,
			    0x4000);
		sim_set_bar(d, pv->bar, pv->region.start, pv->region.size);
		for (b = 0; b < PCI_STD_NUM_BARS; b++) {
			d->p2pdma->mem[b].owner = &d->dev;
			d->p2pdma->mem[b].bus_offset = pv->bus_offset;
		}
		pv->region.prov = pv;
		pv->pgmap.type = MEMORY_DEVICE_PCI_P2PDMA;
		pv->pgmap.p2p = &d->p2pdma->mem[pv->bar];
	}
	/* The clients' own register BARs; no p2pdma set up on them. */
	sim_set_bar(p[D_NVME0], 0, 0x4002000000ULL, 0x4000);
	sim_set_bar(p[D_NVME1], 0, 0x7100000000ULL, 0x4000);
	sim_set_window(p[D_RP0], 0x4000000000ULL, 64ULL << 20);
	sim_set_window(p[D_USP0], 0x4000000000ULL, 64ULL << 20);
	sim_set_window(p[D_DSP1], 0x4000000000ULL, 16ULL << 20);
	sim_set_window(p[D_DSP2], 0x4001000000ULL, 16ULL << 20);
	sim_set_window(p[D_RP1], 0x5000000000ULL, 16ULL << 20);
	sim_set_window(p[D_RP2], 0x6000000000ULL, 16ULL << 20);

	sim_clients[SIM_NVME0] = p[D_NVME0];
	sim_clients[SIM_NVME1] = p[D_NVME1];

	/* The device list, in bus order as the PCI core keeps it. */
	for (i = SIM_NR_PCI - 1; i >= 0; i--) {
		p[i]->next = sim_pci_list;
		sim_pci_list = p[i];
	}
	sim_mem_init();
}

void sim_pci_exit(void)
{
	int i;

	for (i = 0; i < SIM_NR_PCI; i++) {
		if (!sim_pci[i])
			continue;
		free(sim_pci[i]->p2pdma);
		sim_devres_release(&sim_pci[i]->dev);
		free(sim_pci[i]);
		sim_pci[i] = NULL;
	}
	sim_pci_list = NULL;
	for (i = 0; i < SIM_NR_PROV; i++)
		sim_prov[i].pdev = NULL;
	sim_mem_exit();
}

/* --- the device list, with reference counts ---------------------------- */

struct pci_dev *pci_dev_get(struct pci_dev *dev)
{
	if (dev)
		dev->refcount++;
	return dev;
}

void pci_dev_put(struct pci_dev *dev)
{
	if (!dev)
		return;
	if (dev->refcount <= 0)
		sim_violation("%s(%s) without a reference", __func__, dev->dev.name);
	dev->refcount--;
}

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device,
			       struct pci_dev *from)
{
	struct pci_dev *d = from ? from->next : sim_pci_list;

	for (; d; d = d->next)
		if ((vendor == PCI_ANY_ID || vendor == d->vendor) &&
		    (device == PCI_ANY_ID || device == d->device))
			break;
	pci_dev_get(d);
	pci_dev_put(from);
	return d;
}

int sim_pci_refs(void)
{
	struct pci_dev *d;
	int n = 0;

	for (d = sim_pci_list; d; d = d->next)
		n += d->refcount;
	return n;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	if (where < 0 || where + 2 > PCI_SIM_CFG_SIZE || (where & 1)) {
		sim_violation("config read of %s at %#x", dev->dev.name, where);
		*val = 0xffff;
		return -EINVAL;
	}
	*val = dev->cfg[where] | (u16)dev->cfg[where + 1] << 8;
	return 0;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	u16 lo, hi;
	int ret;

	ret = pci_read_config_word(dev, where, &lo);
	if (!ret)
		ret = pci_read_config_word(dev, where + 2, &hi);
	*val = ret ? ~0U : lo | (u32)hi << 16;
	return ret;
}

int pci_find_ext_capability(struct pci_dev *dev, int cap)
{
	return cap == PCI_EXT_CAP_ID_ACS ? dev->acs_cap : 0;
}

/* --- peer-to-peer ------------------------------------------------------- */

static bool sim_acs_redirects(const struct pci_dev *d)
{
	u16 ctrl;

	if (!d->acs_cap)
		return false;
	ctrl = d->cfg[d->acs_cap + PCI_ACS_CTRL] |
	       (u16)d->cfg[d->acs_cap + PCI_ACS_CTRL + 1] << 8;
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

static bool sim_host_allows(const struct pci_dev *a, const struct pci_dev *b)
{
	return sim_host_bridge_ok[a->host_bridge] &&
	       sim_host_bridge_ok[b->host_bridge];
}

/*
 * Climb from the provider; the first device that is also above (or is) the
 * client is where the two paths meet.  Any redirecting port on the way up
 * from either side sends the traffic to the root complex after all.
 */
static enum pci_p2pdma_map_type sim_p2p_type(struct pci_dev *prov,
					     struct pci_dev *client, int *dist)
{
	struct pci_dev *a, *b;
	bool redirect = false;
	int da = 0, db;

	for (a = prov; a; a = a->upstream, da++) {
		if (sim_acs_redirects(a))
			redirect = true;
		for (b = client, db = 0; b; b = b->upstream, db++)
			if (a == b)
				goto meet;
	}
	*dist = 16;
	return sim_host_allows(prov, client) ? PCI_P2PDMA_MAP_THRU_HOST_BRIDGE :
					       PCI_P2PDMA_MAP_NOT_SUPPORTED;
meet:
	*dist = da + db;
	for (b = client; b != a; b = b->upstream)
		if (sim_acs_redirects(b))
			redirect = true;
	if (!redirect)
		return PCI_P2PDMA_MAP_BUS_ADDR;
	return sim_host_allows(prov, client) ? PCI_P2PDMA_MAP_THRU_HOST_BRIDGE :
					       PCI_P2PDMA_MAP_NOT_SUPPORTED;
}

enum pci_p2pdma_map_type sim_p2p_truth(const struct sim_provider *prov,
				       struct device *client)
{
	int dist;

	if (!dev_is_pci(client))
		return PCI_P2PDMA_MAP_NOT_SUPPORTED;
	return sim_p2p_type(prov->pdev, to_pci_dev(client), &dist);
}

struct sim_provider *sim_provider_of(phys_addr_t paddr)
{
	struct sim_region *r = sim_region_of(paddr, 1);

	return r ? r->prov : NULL;
}

struct p2pdma_provider *pcim_p2pdma_provider(struct pci_dev *pdev, int bar)
{
	sim_cnt.provider_lookups++;
	if (bar < 0 || bar >= PCI_STD_NUM_BARS) {
		sim_violation("%s(%s, %d): no such BAR", __func__,
			      pdev->dev.name, bar);
		return NULL;
	}
	if (!(pdev->resource[bar].flags & IORESOURCE_MEM))
		return NULL;
	/* The kernel warns: nobody called pcim_p2pdma_init() on it. */
	if (!pdev->p2pdma) {
		sim_violation("%s(%s, %d) on a device without p2pdma", __func__,
			      pdev->dev.name, bar);
		return NULL;
	}
	return &pdev->p2pdma->mem[bar];
}

int pci_p2pdma_distance_many(struct pci_dev *provider, struct device **clients,
			     int num_clients, bool verbose)
{
	int i, dist, total = 0;

	(void)verbose;
	if (!num_clients)
		return -1;
	for (i = 0; i < num_clients; i++) {
		if (!dev_is_pci(clients[i]))
			return -1;
		if (sim_p2p_type(provider, to_pci_dev(clients[i]), &dist) ==
		    PCI_P2PDMA_MAP_NOT_SUPPORTED)
			return -1;
		total += dist;
	}
	return total;
}

enum pci_p2pdma_map_type pci_p2pdma_state(struct pci_p2pdma_map_state *state,
					  struct device *dev, struct page *page)
{
	struct sim_provider *pv;

	if (!is_pci_p2pdma_page(page))
		return PCI_P2PDMA_MAP_NONE;
	pv = container_of(page->pgmap, struct sim_provider, pgmap);
	if (state->mem != page->pgmap->p2p) {
		state->mem = page->pgmap->p2p;
		state->map = sim_p2p_truth(pv, dev);
	}
	return state->map;
}
