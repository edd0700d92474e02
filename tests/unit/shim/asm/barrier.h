/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test behaviour: the kernel's CPU memory barriers as C11 fences, which is
 * what they promise to the other side of a shared buffer (the simulated
 * controller of db-test.c).
 */
#ifndef SHIM_ASM_BARRIER_H
#define SHIM_ASM_BARRIER_H

/* Full barrier: earlier loads and stores before later ones. */
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Write barrier: earlier stores before later stores. */
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
/* Read barrier: earlier loads before later loads. */
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* SHIM_ASM_BARRIER_H */
