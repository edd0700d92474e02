/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Nothing to create in user space: the shim's TRACE_EVENT() already made
 * the trace_<event>() declarations when the trace header was first read.
 */
