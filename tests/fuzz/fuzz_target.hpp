// One fuzz target per parser: RIG_FUZZ_TARGET(name) { ... } is libFuzzer's LLVMFuzzerTestOneInput
// in the clang fuzz build, and a registered function in the g++ unit tests (RIG_FUZZ_REPLAY),
// which replay the seeds and every saved crash. FUZZ_CHECK states an invariant of the parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

namespace rig::fuzz {

using OneInput = int (*)(const std::uint8_t* data, std::size_t size);

// Thrown by FUZZ_CHECK in the unit tests, so a failure names the input instead of aborting.
struct InvariantBroken : std::logic_error {
    using std::logic_error::logic_error;
};

#ifdef RIG_FUZZ_REPLAY
std::map<std::string, OneInput>& targets();  // defined in tests/unit/fuzz_regressions_test.cpp
struct RegisterTarget {
    RegisterTarget(const char* name, OneInput one_input) { targets()[name] = one_input; }
};
#endif

}  // namespace rig::fuzz

#ifdef RIG_FUZZ_REPLAY
#define RIG_FUZZ_TARGET(name)                                                                     \
    static int rig_fuzz_one_input(const std::uint8_t* data, std::size_t size);                    \
    static const ::rig::fuzz::RegisterTarget rig_fuzz_register_##name{#name, rig_fuzz_one_input}; \
    static int rig_fuzz_one_input(const std::uint8_t* data, std::size_t size)
#define FUZZ_CHECK(condition)                                                                           \
    do {                                                                                                \
        if (!(condition))                                                                               \
            throw ::rig::fuzz::InvariantBroken(std::string(__FILE__) + ":" + std::to_string(__LINE__) + \
                                               ": invariant failed: " #condition);                      \
    } while (false)
#else
#define RIG_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
// Aborting makes libFuzzer save the input as a crash, like a sanitizer report would.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
#endif
