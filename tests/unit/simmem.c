// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated machine's memory and the small kernel services block/ uses:
 * violations and messages, the heap, mempools, per-CPU data, debugfs with
 * seq_file and string helpers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <time.h>
#include "sim.h"

/* --- violations and messages -------------------------------------------- */

#define SIM_KEEP_MSGS 8

static char sim_msgs[SIM_KEEP_MSGS][256];
static unsigned int sim_nviol;
bool sim_verbose;
unsigned int sim_dev_warnings;

void sim_violation(const char *fmt, ...)
{
	va_list ap;

	if (sim_nviol < SIM_KEEP_MSGS) {
		va_start(ap, fmt);
		vsnprintf(sim_msgs[sim_nviol], sizeof(sim_msgs[0]), fmt, ap);
		va_end(ap);
	}
	if (sim_verbose) {
		va_start(ap, fmt);
		fprintf(stderr, "# violation: ");
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, "\n");
		va_end(ap);
	}
	sim_nviol++;
}

unsigned int sim_nr_violations(void)
{
	return sim_nviol;
}

const char *sim_violation_msg(unsigned int i)
{
	return i < SIM_KEEP_MSGS && i < sim_nviol ? sim_msgs[i] : "";
}

void sim_reset_violations(void)
{
	sim_nviol = 0;
}

void sim_warn(const char *file, int line, const char *what)
{
	const char *base = strrchr(file, '/');

	sim_violation("WARN at %s:%d: %s", base ? base + 1 : file, line, what);
}

void sim_log(const char *fmt, ...)
{
	va_list ap;

	if (!sim_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "# ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void sim_dev_msg(const struct device *dev, const char *level,
		 const char *fmt, ...)
{
	va_list ap;

	if (!strcmp(level, "warn") || !strcmp(level, "err"))
		sim_dev_warnings++;
	if (!sim_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "# %s %s: ", dev ? dev->name : "?", level);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* --- memory regions ----------------------------------------------------- */

/*
 * Two RAM regions: a low one, and one across the 4 GiB line so 32-bit
 * segment boundaries get crossed.  Providers' BARs are regions too
 * (simpci.c).
 */
struct sim_region sim_ram[SIM_NR_RAM] = {
	{ .name = "ram-low", .start = 0x00100000ULL, .size = 64ULL << 20 },
	{ .name = "ram-4g", .start = 0xfc000000ULL, .size = 128ULL << 20 },
};

static struct sim_region *sim_regions[SIM_NR_RAM + SIM_NR_PROV];
static unsigned int sim_nregions;
static struct page sim_bad_page;

static void sim_region_add(struct sim_region *r, struct dev_pagemap *pgmap)
{
	u64 i, n = r->size >> PAGE_SHIFT;

	r->pages = calloc(n, sizeof(*r->pages));
	if (!r->pages) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		r->pages[i].pfn = (r->start >> PAGE_SHIFT) + i;
		r->pages[i].pgmap = pgmap;
	}
	sim_regions[sim_nregions++] = r;
}

void sim_mem_init(void)
{
	unsigned int i;

	if (sim_nregions)
		return;
	for (i = 0; i < SIM_NR_RAM; i++)
		sim_region_add(&sim_ram[i], NULL);
	for (i = 0; i < SIM_NR_PROV; i++)
		sim_region_add(&sim_prov[i].region, &sim_prov[i].pgmap);
}

void sim_mem_exit(void)
{
	unsigned int i;

	for (i = 0; i < sim_nregions; i++) {
		free(sim_regions[i]->pages);
		sim_regions[i]->pages = NULL;
	}
	sim_nregions = 0;
}

struct sim_region *sim_region_of(phys_addr_t paddr, u64 len)
{
	unsigned int i;

	for (i = 0; i < sim_nregions; i++) {
		struct sim_region *r = sim_regions[i];

		if (paddr >= r->start && len <= r->size &&
		    paddr - r->start <= r->size - len)
			return r;
	}
	return NULL;
}

struct page *sim_pfn_to_page(unsigned long pfn)
{
	struct sim_region *r = sim_region_of((phys_addr_t)pfn << PAGE_SHIFT, 1);

	if (!r) {
		sim_violation("pfn_to_page(%#lx): no such page frame", pfn);
		sim_bad_page.pfn = pfn;
		return &sim_bad_page;
	}
	return &r->pages[pfn - (r->start >> PAGE_SHIFT)];
}

/* --- the heap ----------------------------------------------------------- */

long sim_kmalloc_live;

void *sim_kmalloc(size_t size, gfp_t gfp, bool zero)
{
	void *p;

	(void)gfp;
	if (sim_fail(SIM_F_KMALLOC))
		return NULL;
	p = zero ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p)
		sim_kmalloc_live++;
	return p;
}

void sim_kfree(const void *p)
{
	if (!p)
		return;
	sim_kmalloc_live--;
	free((void *)p);
}

/* Device-managed allocations: a list per device, freed on release. */
struct sim_devres {
	struct sim_devres *next;
};

void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct sim_devres *dr;

	(void)gfp;
	if (sim_fail(SIM_F_KMALLOC))
		return NULL;
	dr = malloc(sizeof(*dr) + size);
	if (!dr)
		return NULL;
	dr->next = dev->devres;
	dev->devres = dr;
	return dr + 1;
}

void sim_devres_release(struct device *dev)
{
	while (dev->devres) {
		struct sim_devres *dr = dev->devres;

		dev->devres = dr->next;
		free(dr);
	}
}

/* --- mempools ------------------------------------------------------------- */

long sim_mempool_live;

mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	mempool_t *pool;

	if (sim_fail(SIM_F_KMALLOC))
		return NULL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->elem_size = size;
	pool->min_nr = min_nr;
	sim_kmalloc_live++;
	return pool;
}

void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	if (pool->live)
		sim_violation("%s() with %ld elements still out", __func__,
			      pool->live);
	sim_kmalloc_live--;
	free(pool);
}

void *mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (!pool) {
		sim_violation("%s() from a NULL pool", __func__);
		return NULL;
	}
	/* An atomic allocation fails when the reserve is gone too. */
	if (sim_fail(SIM_F_MEMPOOL))
		return NULL;
	p = malloc(pool->elem_size);
	if (!p)
		return NULL;
	/* Stale contents, as a recycled element would have. */
	memset(p, 0xa5, pool->elem_size);
	pool->live++;
	sim_mempool_live++;
	return p;
}

void mempool_free(void *element, mempool_t *pool)
{
	if (!element)
		return;
	if (!pool) {
		sim_violation("%s() to a NULL pool", __func__);
		return;
	}
	if (pool->live <= 0)
		sim_violation("%s() of an element the pool did not hand out", __func__);
	pool->live--;
	sim_mempool_live--;
	free(element);
}

/* --- per-CPU data ---------------------------------------------------------- */

unsigned int sim_cpu;
long sim_percpu_live;

void *sim_alloc_percpu(size_t size)
{
	void *p;

	if (size > SIM_PCPU_UNIT) {
		sim_violation("per-CPU object of %zu bytes is over the simulated unit",
			      size);
		return NULL;
	}
	if (sim_fail(SIM_F_KMALLOC))
		return NULL;
	p = calloc(SIM_NR_CPUS, SIM_PCPU_UNIT);
	if (p)
		sim_percpu_live++;
	return p;
}

void sim_free_percpu(void *p)
{
	if (!p)
		return;
	sim_percpu_live--;
	free(p);
}

/* --- debugfs and seq_file ----------------------------------------------- */

struct dentry {
	char name[64];
	struct dentry *parent;
	struct dentry *child, *sibling;
	void *data;
	const struct file_operations *fops;
};

static struct dentry sim_debugfs_root = { .name = "" };
long sim_debugfs_live;

static struct dentry *sim_debugfs_new(const char *name, struct dentry *parent)
{
	struct dentry *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (!parent)
		parent = &sim_debugfs_root;
	d->parent = parent;
	d->sibling = parent->child;
	parent->child = d;
	sim_debugfs_live++;
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return sim_debugfs_new(name, parent);
}

struct dentry *debugfs_create_file(const char *name, unsigned short mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	struct dentry *d = sim_debugfs_new(name, parent);

	(void)mode;
	if (d) {
		d->data = data;
		d->fops = fops;
	}
	return d;
}

static void sim_debugfs_free(struct dentry *d)
{
	while (d->child) {
		struct dentry *c = d->child;

		d->child = c->sibling;
		sim_debugfs_free(c);
	}
	if (d != &sim_debugfs_root) {
		sim_debugfs_live--;
		free(d);
	}
}

void debugfs_remove_recursive(struct dentry *d)
{
	struct dentry **pp;

	if (!d)
		return;
	for (pp = &d->parent->child; *pp; pp = &(*pp)->sibling) {
		if (*pp == d) {
			*pp = d->sibling;
			break;
		}
	}
	sim_debugfs_free(d);
}

struct dentry *sim_debugfs_lookup(const char *path)
{
	struct dentry *d = &sim_debugfs_root;
	char part[64];

	while (*path) {
		size_t n = strcspn(path, "/");
		struct dentry *c;

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		for (c = d->child; c; c = c->sibling)
			if (!strcmp(c->name, part))
				break;
		if (!c)
			return NULL;
		d = c;
		path += n;
		if (*path == '/')
			path++;
	}
	return d;
}

/* Open, read everything, release: what `cat` does. */
int sim_debugfs_read(struct dentry *d, char *buf, size_t size)
{
	struct inode inode = { .i_private = d->data };
	struct file file = { .f_inode = &inode };
	size_t done = 0;
	ssize_t n;
	int ret;

	if (!d->fops || !d->fops->open || !d->fops->read)
		return -EINVAL;
	ret = d->fops->open(&inode, &file);
	if (ret)
		return ret;
	while (done + 1 < size) {
		n = d->fops->read(&file, buf + done, size - 1 - done, &file.f_pos);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (!n)
			break;
		done += n;
	}
	buf[done] = 0;
	if (d->fops->release)
		d->fops->release(&inode, &file);
	return ret;
}

/* Open, write, release: what `echo` does. */
int sim_debugfs_write(struct dentry *d, const char *buf)
{
	struct inode inode = { .i_private = d->data };
	struct file file = { .f_inode = &inode };
	ssize_t n;
	int ret;

	if (!d->fops || !d->fops->open || !d->fops->write)
		return -EINVAL;
	ret = d->fops->open(&inode, &file);
	if (ret)
		return ret;
	n = d->fops->write(&file, buf, strlen(buf), &file.f_pos);
	if (d->fops->release)
		d->fops->release(&inode, &file);
	return n < 0 ? (int)n : 0;
}

static void sim_seq_grow(struct seq_file *m, size_t need)
{
	char *nb;
	size_t ns;

	if (m->count + need + 1 <= m->size)
		return;
	ns = m->size ? m->size : 256;
	while (ns < m->count + need + 1)
		ns *= 2;
	nb = realloc(m->buf, ns);
	if (!nb) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	m->buf = nb;
	m->size = ns;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sim_seq_grow(m, n);
	va_start(ap, fmt);
	vsnprintf(m->buf + m->count, n + 1, fmt, ap);
	va_end(ap);
	m->count += n;
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

void seq_putc(struct seq_file *m, char c)
{
	seq_printf(m, "%c", c);
}

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data)
{
	struct seq_file *m;

	if (sim_fail(SIM_F_KMALLOC))
		return -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	(void)inode;
	if (m) {
		free(m->buf);
		free(m);
	}
	file->private_data = NULL;
	return 0;
}

ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	size_t n;
	int ret;

	if (!m->filled) {
		ret = m->show(m, NULL);
		if (ret)
			return ret;
		m->filled = true;
	}
	if ((size_t)*ppos >= m->count)
		return 0;
	n = min(size, m->count - (size_t)*ppos);
	memcpy(buf, m->buf + *ppos, n);
	*ppos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	if (whence != 0 || offset < 0)
		return -EINVAL;
	file->f_pos = offset;
	return offset;
}

/* --- strings ---------------------------------------------------------------- */

/* Equal, where a single trailing newline on either side does not count. */
bool sysfs_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	if (*a == *b)
		return true;
	if (!*a && *b == '\n' && !b[1])
		return true;
	if (!*b && *a == '\n' && !a[1])
		return true;
	return false;
}

int __sysfs_match_string(const char *const *array, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n && array[i]; i++)
		if (sysfs_streq(array[i], s))
			return (int)i;
	return -EINVAL;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v = 0;
	unsigned int digit;
	const char *p = s;

	if (*p == '+')
		p++;
	if (!base) {
		base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    isxdigit((unsigned char)p[2])) {
			base = 16;
			p += 2;
		} else if (p[0] == '0' && p[1] && p[1] != '\n') {
			base = 8;
			p++;
		}
	}
	if (!*p || *p == '\n')
		return -EINVAL;
	for (; *p && *p != '\n'; p++) {
		if (*p >= '0' && *p <= '9')
			digit = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			digit = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			digit = *p - 'A' + 10;
		else
			return -EINVAL;
		if (digit >= base)
			return -EINVAL;
		v = v * base + digit;
		if (v > UINT_MAX)
			return -ERANGE;
	}
	if (*p == '\n' && p[1])
		return -EINVAL;
	*res = (unsigned int)v;
	return 0;
}

int kstrtouint_from_user(const char __user *s, size_t count, unsigned int base,
			 unsigned int *res)
{
	char buf[32];

	if (count >= sizeof(buf))
		count = sizeof(buf) - 1;
	memcpy(buf, s, count);
	buf[count] = 0;
	return kstrtouint(buf, base, res);
}
