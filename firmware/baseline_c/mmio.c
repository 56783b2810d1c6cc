/* mmio_c/raw_modify: a register field read-modify-write, as C drivers write it. */
#include "baseline.h"

void mmio_c_raw_modify(volatile uint32_t *reg, uint32_t mask, uint32_t value) {
    *reg = (*reg & ~mask) | value;
}
