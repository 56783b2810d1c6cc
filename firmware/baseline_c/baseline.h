/* kernel-rig C baseline: the bodies the Rust benchmarks measure, written as a C kernel would.
 *
 * Each function is called from Rust between two counter reads (see src/lib.rs), so the call and
 * return are inside the measured region; the Rust twins are called the same way. */
#ifndef RIG_BASELINE_H
#define RIG_BASELINE_H

#include <stddef.h>
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

/* The C kernel path (kernel.c): a process as the C kernel sees it. Rust mirrors this layout
 * (c_baseline::CProcess); keep the two in step. */
struct rig_c_region {
    uint32_t base;                /* first byte of the power-of-two region */
    uint32_t size_log2;           /* log2 of its size */
    uint32_t subregions_disabled; /* MPU_RASR.SRD */
};

enum rig_c_protection { RIG_C_OFF, RIG_C_ON, RIG_C_REFUSED };
/* YIELDED is 0, as kernel::process::State::Yielded: every step tests for it first. */
enum rig_c_state { RIG_C_YIELDED, RIG_C_READY, RIG_C_EXITED, RIG_C_FAULTED };

/* What switch_to_user loads and saves (kernel::process::StoredState): r4-r11 and the address of
 * the stacked exception frame, side by side so that one pointer hands both over. */
struct rig_c_stored {
    uint32_t registers[8];
    uint32_t stack_pointer;
};

struct rig_c_process {
    uint32_t id;
    uint32_t *memory; /* stack and data */
    uint32_t words;
    struct rig_c_stored stored;
    uint32_t state;
    uint32_t has_upcall, upcall_function, upcall_userdata;
    uint32_t has_pending, pending[3];
    uint32_t has_allowed, allowed_offset, allowed_len;
    uint32_t argument;
    uint32_t protection;
    uint32_t domain; /* kernel::process::domain: RIG_C_UNISOLATED, or the id when isolated */
    struct rig_c_region code, data;
};

/* kernel::process::domain. */
#define RIG_C_UNISOLATED 0xFFFFFFFEu
#define RIG_C_REFUSED 0xFFFFFFFDu

/* What a step ended in: a syscall (number = r0, carried out; pc and status 0), a
 * fault (number = exception number, 0 for a bad stack pointer; pc, fault status), a refused
 * layout, no process to run, or a preemption (number = the interrupt's exception number; the
 * process is ready to resume). Four words, as the Rust step's Result<SyscallKind,
 * ProcessFault>. */
enum rig_c_outcome_kind { RIG_C_SYSCALL, RIG_C_FAULT, RIG_C_LAYOUT, RIG_C_NONE, RIG_C_PREEMPTED };
struct rig_c_outcome {
    uint32_t kind;
    uint32_t number;
    uint32_t pc;
    uint32_t status;
};

/* Two processes taking turns (ctx_c/process_switch); last = index run last, 0xFFFFFFFF none. */
#define RIG_C_PAIR 2u
struct rig_c_pair {
    struct rig_c_process processes[RIG_C_PAIR];
    uint32_t last;
};

/* The boundary record the Rust kernel keeps (cortexm::context_switch::Boundary, same order):
 * the fault handler's record and what the MPU is set up for. One MPU, one record. */
struct rig_boundary {
    uint32_t fault_number;
    uint32_t fault_pc;
    uint32_t entered; /* the protection domain the MPU is set up for */
    uint32_t mpu_enabled;
};
extern struct rig_boundary rig_boundary;

void rig_c_process_init(struct rig_c_process *p, uint32_t id, uint32_t *memory, uint32_t words, uint32_t entry);
struct rig_c_outcome rig_c_step(struct rig_c_process *p);
struct rig_c_outcome rig_c_run_next(struct rig_c_pair *pair);
uint32_t rig_c_reconfigurations(void);

#endif
