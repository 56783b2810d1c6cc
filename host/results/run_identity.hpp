#pragma once
// How a run and its commit are named, the same way in result files, the history, `rig compare`
// and `rig nightly`. A run id is unique (two runs are never merged, even when they start in the
// same second on two hosts); a commit has one form (12 hex digits, "-dirty" when the tree differed).

#include <string>
#include <string_view>

namespace rig::results {

// "20261201T170422Z-3fa9c1d2e4b5a697": the start time (sortable, readable) and 64 random bits.
std::string new_run_id(std::string_view started_at);

// A run id is letters, digits, '-', '_', ':' and '.' (it goes into file names), 1 to 128 of them.
bool is_valid_run_id(std::string_view id);

// The id of a run written before run ids existed, derived from what identified it then, so that
// importing the same old file twice still stores it once.
std::string legacy_run_id(std::string_view board, std::string_view commit, std::string_view started_at,
                          std::string_view image_sha256);

// One form for a commit: hex of 12 digits or more is cut to 12 (lower case), "-dirty" is kept;
// shorter hex and "unknown" stay as they are; anything else is not a commit and comes back empty.
std::string canonical_commit(std::string_view text);

bool is_dirty(std::string_view commit);
std::string_view without_dirty(std::string_view commit);

// Whether two commit names may name the same commit: one base is a prefix of the other (at least
// 4 digits, git's shortest abbreviation) and both are dirty or both clean.
bool same_commit(std::string_view a, std::string_view b);

}  // namespace rig::results
