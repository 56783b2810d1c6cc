#pragma once
// The committer date of a measured commit, stored with every run so the history and the report
// can order commits by when they were made (`rig run`, rigd, `rig import`).

#include <filesystem>
#include <string>

namespace rig::results {

// The committer date (ISO 8601) of `commit` in the git checkout `repo`, from `git log`; empty
// when git, the checkout or the commit is not there ("-dirty" builds use their base commit).
std::string git_commit_date(const std::filesystem::path& repo, const std::string& commit);

}  // namespace rig::results
