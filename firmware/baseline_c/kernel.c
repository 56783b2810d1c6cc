/* syscall_c/null, ctx_c/process_switch: the kernel path of kernel::process::step, written in C.
 *
 * The same work as the Rust kernel, line for line: deliver a due upcall, set the MPU up for the
 * process unless it is set up for its domain already (the same policy, and the same record: the
 * image's one `rig_boundary`, which the Rust kernel keeps too), cross into the process and back, check
 * the stack pointer it came back with, decode its syscall from the stacked frame, carry it out,
 * write the answer into the stacked r0. The processes are the Rust ones (their code lies in the
 * image's process-code section; their memory is laid out and aligned the same way); only the
 * kernel is C. The crossing is the same asm: `switch_to_user` below is the Rust one's eight
 * instructions, and its `svc` goes to the image's one SVC handler (there is one vector table),
 * which only flips privilege and stack. So the two kernels' rows differ by what each compiler
 * made of the kernel's logic, nothing else.
 *
 * Faults and preemptions are told apart as in Rust (the fault handler and the interrupt handler
 * leave PSP at 0, so the stack pointer check catches them, and the record's exception number,
 * 16 or more for an interrupt, tells which): a preempted process is left ready with the stack
 * pointer the record holds, a faulted one is stopped, but the MemManage address and access are
 * not decoded here (no C row measures a fault). */
#include "baseline.h"

#define FRAME_WORDS 8u
#define FRAME_R0 0u
#define FRAME_LR 5u
#define FRAME_PC 6u
#define FIRST_INTERRUPT 16u /* exception number of external interrupt 0 */

/* kernel::syscall numbers, commands and answers. */
enum { SYS_NULL, SYS_YIELD, SYS_SUBSCRIBE, SYS_COMMAND, SYS_ALLOW, SYS_EXIT };
enum { CMD_PROCESS_ID, CMD_ALLOWED_LENGTH, CMD_ECHO, CMD_ARGUMENT };
#define ENOSYS 0xFFFFFFFFu
#define EINVAL 0xFFFFFFFEu

/* ARMv7-M ARM B3.5 (MPU) and B3.2 (fault status). */
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define HFSR_FORCED (1u << 30)
#define RBAR_VALID (1u << 4)
#define RASR_ENABLE 1u
#define RASR_B (1u << 16)
#define RASR_C (1u << 17)
#define RASR_S (1u << 18)
#define RASR_AP_READ_ONLY (6u << 24)
#define RASR_AP_FULL (3u << 24)
#define RASR_XN (1u << 28)
#define CTRL_ENABLE 1u
#define CTRL_PRIVDEFENA 4u

/* The Rust mirror (c_baseline::CProcess, COutcome) asserts the same sizes. */
_Static_assert(sizeof(struct rig_c_process) == 128, "struct rig_c_process changed: update c_baseline::CProcess");
_Static_assert(sizeof(struct rig_c_outcome) == 16, "struct rig_c_outcome changed: update c_baseline::COutcome");
_Static_assert(offsetof(struct rig_c_stored, stack_pointer) == 32, "switch_to_user reads it at #32");
_Static_assert(RIG_C_UNISOLATED == 0xFFFFFFFEu && RIG_C_REFUSED == 0xFFFFFFFDu, "kernel::process::domain");

static uint32_t reconfigurations;

uint32_t rig_c_reconfigurations(void) {
    return reconfigurations;
}

void rig_c_process_init(struct rig_c_process *p, uint32_t id, uint32_t *memory, uint32_t words, uint32_t entry) {
    struct rig_c_process fresh = {0};
    fresh.id = id;
    fresh.memory = memory;
    fresh.words = words;
    fresh.domain = RIG_C_UNISOLATED;
    fresh.state = RIG_C_READY;
    uint32_t frame = words - FRAME_WORDS;
    for (uint32_t i = frame; i < words; i++) memory[i] = 0;
    memory[frame + FRAME_LR] = 0xFFFFFFFFu;
    memory[frame + FRAME_PC] = entry & ~1u;
    memory[frame + 7] = 1u << 24; /* xPSR: Thumb */
    fresh.stored.stack_pointer = (uint32_t)(memory + frame);
    *p = fresh;
}

/* Enters the process whose stored state is `stored` until its next svc; returns its stack
 * pointer then. The Rust `switch_to_user`, instruction for instruction. */
__attribute__((naked)) static uint32_t *switch_to_user(struct rig_c_stored *stored __attribute__((unused))) {
    __asm__ volatile(
        "push {r4-r12, lr}\n"
        "ldr r1, [r0, #32]\n"
        "msr psp, r1\n"
        "ldmia r0, {r4-r11}\n"
        "svc 0xff\n"
        "stmia r0, {r4-r11}\n"
        "mrs r0, psp\n"
        "pop {r4-r12, pc}\n");
}

static inline void memory_barrier(void) {
    __asm__ volatile("dsb\n isb" ::: "memory");
}

/* The MPU set up for a process of another domain than the one it holds: out of line, as in Rust. */
__attribute__((noinline)) static int set_up(const struct rig_c_process *p) {
    switch (p->protection) {
    case RIG_C_OFF:
        if (rig_boundary.mpu_enabled) {
            MPU_CTRL = 0;
            rig_boundary.mpu_enabled = 0;
            memory_barrier();
        }
        break;
    case RIG_C_ON:
        MPU_RBAR = (p->code.base & ~0x1Fu) | RBAR_VALID | 0u;
        MPU_RASR = RASR_ENABLE | ((p->code.size_log2 - 1u) << 1) | (p->code.subregions_disabled << 8) |
                   RASR_AP_READ_ONLY | RASR_C;
        MPU_RBAR = (p->data.base & ~0x1Fu) | RBAR_VALID | 1u;
        MPU_RASR = RASR_ENABLE | ((p->data.size_log2 - 1u) << 1) | (p->data.subregions_disabled << 8) |
                   RASR_AP_FULL | RASR_XN | RASR_C | RASR_B | RASR_S;
        if (!rig_boundary.mpu_enabled) {
            MPU_CTRL = CTRL_ENABLE | CTRL_PRIVDEFENA;
            rig_boundary.mpu_enabled = 1;
        }
        reconfigurations++;
        memory_barrier();
        break;
    default:
        return -1; /* refused layout: never runs */
    }
    rig_boundary.entered = p->domain;
    return 0;
}

/* Whether sp points at a whole frame inside the process's memory; its word index then. */
static inline int frame_index(const struct rig_c_process *p, uint32_t sp, uint32_t *index) {
    uint32_t offset = sp - (uint32_t)p->memory;
    *index = offset / 4u;
    return (offset & 3u) == 0 && *index + FRAME_WORDS <= p->words;
}

/* The process came back with a stack pointer outside its memory: an interrupt preempted it (the
 * record holds its real stack pointer, checked and kept, and it stays ready), a fault the handler
 * recorded, or its own doing (both stop it). The record is cleared. Out of line, as Rust's
 * `Process::preempted` and fault path are. */
__attribute__((noinline, cold)) static struct rig_c_outcome not_a_syscall(struct rig_c_process *p) {
    struct rig_c_outcome out = {RIG_C_FAULT, 0, 0, 0};
    uint32_t number = rig_boundary.fault_number, index;
    if (number >= FIRST_INTERRUPT) {
        rig_boundary.fault_number = 0;
        uint32_t sp = rig_boundary.fault_pc;
        if (frame_index(p, sp, &index)) {
            p->stored.stack_pointer = sp;
            p->state = RIG_C_READY;
            return (struct rig_c_outcome){RIG_C_PREEMPTED, number, 0, 0};
        }
        number = 0; /* a preempted stack pointer outside the process: its own doing */
    }
    if (number != 0) {
        rig_boundary.fault_number = 0;
        uint32_t cfsr = SCB_CFSR, forced = SCB_HFSR & HFSR_FORCED;
        SCB_CFSR = cfsr;
        SCB_HFSR = HFSR_FORCED;
        out.number = number;
        out.pc = rig_boundary.fault_pc;
        out.status = cfsr | forced;
    }
    p->state = RIG_C_FAULTED;
    return out;
}

static inline void deliver_upcall(struct rig_c_process *p) {
    if (p->state != RIG_C_YIELDED || !p->has_pending || !p->has_upcall) return;
    p->has_pending = 0;
    uint32_t *frame = p->memory + (p->stored.stack_pointer - (uint32_t)p->memory) / 4u;
    frame[FRAME_LR] = frame[FRAME_PC] | 1u;
    frame[FRAME_PC] = p->upcall_function & ~1u;
    frame[0] = p->pending[0];
    frame[1] = p->pending[1];
    frame[2] = p->pending[2];
    frame[3] = p->upcall_userdata;
    p->state = RIG_C_READY;
}

static inline uint32_t command(const struct rig_c_process *p, uint32_t command, uint32_t argument) {
    switch (command) {
    case CMD_PROCESS_ID: return p->id;
    case CMD_ALLOWED_LENGTH: return p->has_allowed ? p->allowed_len : EINVAL;
    case CMD_ECHO: return argument + 1u;
    case CMD_ARGUMENT: return p->argument;
    default: return ENOSYS;
    }
}

struct rig_c_outcome rig_c_step(struct rig_c_process *p) {
    deliver_upcall(p);
    if (rig_boundary.entered != p->domain && set_up(p) != 0) {
        p->state = RIG_C_FAULTED;
        return (struct rig_c_outcome){RIG_C_LAYOUT, 0, 0, 0};
    }
    uint32_t *sp = switch_to_user(&p->stored), index;
    if (!frame_index(p, (uint32_t)sp, &index)) return not_a_syscall(p);
    p->stored.stack_pointer = (uint32_t)sp;
    uint32_t *frame = p->memory + index;
    /* The arguments are read in the arms that use them, as Rust's Syscall::decode does. */
    uint32_t number = frame[0];
    uint32_t answer;
    switch (number) {
    case SYS_NULL:
        answer = 0;
        break;
    case SYS_YIELD:
        p->state = RIG_C_YIELDED;
        answer = 0;
        break;
    case SYS_SUBSCRIBE:
        if (frame[1] == 0) {
            p->has_upcall = 1;
            p->upcall_function = frame[2];
            p->upcall_userdata = frame[3];
            answer = 0;
        } else {
            answer = EINVAL;
        }
        break;
    case SYS_COMMAND:
        answer = command(p, frame[1], frame[2]);
        break;
    case SYS_ALLOW: {
        uint32_t a1 = frame[1], a2 = frame[2];
        uint32_t start = (uint32_t)p->memory, bytes = p->words * 4u;
        if (a1 >= start && a1 - start <= bytes && a2 <= bytes - (a1 - start)) {
            p->has_allowed = 1;
            p->allowed_offset = a1 - start;
            p->allowed_len = a2;
            answer = 0;
        } else {
            answer = EINVAL;
        }
        break;
    }
    case SYS_EXIT:
        p->state = RIG_C_EXITED;
        answer = 0;
        break;
    default:
        answer = ENOSYS;
        break;
    }
    frame[FRAME_R0] = answer;
    /* All four words, where Rust's Ok(kind) writes two (the rest of its result is padding): a C
     * struct returned with members never set is at best a debate about indeterminate values, so C
     * pays the one `strd` more. */
    return (struct rig_c_outcome){RIG_C_SYSCALL, number, 0, 0};
}

struct rig_c_outcome rig_c_run_next(struct rig_c_pair *pair) {
    uint32_t first = pair->last + 1u;
    for (uint32_t i = 0; i < RIG_C_PAIR; i++) {
        uint32_t k = (first + i) % RIG_C_PAIR;
        uint32_t state = pair->processes[k].state;
        if (state == RIG_C_READY || state == RIG_C_YIELDED) {
            pair->last = k;
            return rig_c_step(&pair->processes[k]);
        }
    }
    return (struct rig_c_outcome){RIG_C_NONE, 0, 0, 0};
}
