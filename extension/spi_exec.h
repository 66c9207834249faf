/*
 * extension/spi_exec.h
 *		The core's executor and allocator over SPI and palloc.
 */
#ifndef APP_SPI_EXEC_H
#define APP_SPI_EXEC_H

#include "core/exec.h"

extern const struct app_executor SpiExecutor;

void		InitPallocAllocator(struct app_allocator *allocator, MemoryContext cxt);
void		ReportCoreError(const struct app_error *err) pg_attribute_noreturn();
ErrorData  *RunInSubtransaction(void (*fn) (void *arg), void *arg, bool keep);

#endif							/* APP_SPI_EXEC_H */
