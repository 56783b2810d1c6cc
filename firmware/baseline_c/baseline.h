/* kernel-rig C baseline: the bodies the Rust benchmarks measure, written as a C kernel would.
 *
 * Each function is called from Rust between two counter reads (see src/lib.rs), so the call and
 * return are inside the measured region; the Rust twins are called the same way. */
#ifndef RIG_BASELINE_H
#define RIG_BASELINE_H

#include <stdint.h>

/* The payload sizes of the cell benchmarks. */
#define RIG_PAYLOAD_SIZES(X) X(4) X(16) X(64) X(256) X(1024)

#define RIG_DECLARE_PAYLOAD(n)                                  \
    struct rig_payload_##n { uint8_t bytes[n]; };               \
    void cell_c_struct_copy_##n(struct rig_payload_##n *cell);  \
    void cell_c_pointer_##n(struct rig_payload_##n *cell);
RIG_PAYLOAD_SIZES(RIG_DECLARE_PAYLOAD)

void mmio_c_raw_modify(volatile uint32_t *reg, uint32_t mask, uint32_t value);

void irq_c_set_counter(uint32_t address);
void irq_c_sw_to_handler(uint32_t line);
uint32_t irq_c_timestamp(void);
void rig_c_irq_handler(void);

#endif
