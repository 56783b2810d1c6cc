// The paper table's rows by the start of their claim, for the paper tests.
#pragma once

#include "host/report/paper.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace rig::test_support {

inline const report::ClaimRow& row(const report::PaperTable& t, std::string_view start) {
    for (const auto& r : t.rows)
        if (r.claim.rfind(start, 0) == 0) return r;
    throw std::runtime_error("no row " + std::string(start));
}

}  // namespace rig::test_support
