/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data for a simulated machine of SIM_NR_CPUS CPUs.  Each per-CPU
 * allocation is SIM_NR_CPUS copies, SIM_PCPU_UNIT bytes apart; the "current
 * CPU" is a variable the tests move around, so summing over CPUs is tested
 * too.  Nothing runs concurrently.
 */
#ifndef SHIM_LINUX_PERCPU_H
#define SHIM_LINUX_PERCPU_H

#include <linux/kernel.h>

#define SIM_NR_CPUS	4
#define SIM_PCPU_UNIT	16384UL

extern unsigned int sim_cpu;

void *sim_alloc_percpu(size_t size);
void sim_free_percpu(void *p);

#define alloc_percpu(type)	((type *)sim_alloc_percpu(sizeof(type)))
#define free_percpu(p)		sim_free_percpu(p)

#define per_cpu_ptr(p, cpu) \
	((__typeof__(p))((char *)(p) + (unsigned long)(cpu) * SIM_PCPU_UNIT))
#define this_cpu_ptr(p)		per_cpu_ptr(p, sim_cpu)
#define get_cpu_ptr(p)		this_cpu_ptr(p)
#define put_cpu_ptr(p)		((void)(p))

/* @pcp names a field of CPU 0's copy; this CPU's copy is units further. */
#define sim_this_cpu(pcp) ({ __auto_type _pcp = &(pcp); \
	(__typeof__(_pcp))((char *)_pcp + (unsigned long)sim_cpu * SIM_PCPU_UNIT); })
#define this_cpu_inc(pcp)	((*sim_this_cpu(pcp))++)
#define this_cpu_add(pcp, val)	((*sim_this_cpu(pcp)) += (val))

static inline unsigned int *sim_cpu_first(unsigned int *cpu)
{
	*cpu = 0;
	return cpu;
}

#define for_each_possible_cpu(cpu) \
	for (unsigned int *_cpu = sim_cpu_first(&(cpu)); *_cpu < SIM_NR_CPUS; (*_cpu)++)

#endif /* SHIM_LINUX_PERCPU_H */
