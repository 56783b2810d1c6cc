#include "host/cli/benchmarks_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/elf/benchmark_table.hpp"
#include "host/results/benchmark_filter.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {

int list_benchmarks(const ListBenchmarksArgs& args) {
    const auto fail = [](const std::string& message) {
        fmt::print(stderr, "rig benchmarks: {}\n", message);
        return exit_bad_input;
    };
    auto board = board::find_board(args.board, boards_search_path(args.boards_dir));
    if (!board) return fail(board.error().message);
    auto filter = results::BenchmarkFilter::parse(args.filter);
    if (!filter) return fail(filter.error().message);
    const std::filesystem::path image_file =
        args.image.empty() ? default_image(board->image_name()) : std::filesystem::path(args.image);
    auto image = elf::load_image(image_file);
    if (!image) return fail(image.error().context(image_file.string()).message);
    const auto table = elf::find_benchmark_table(*image);
    if (!table)
        return fail(image_file.string() + " has no benchmark catalogue (built before protocol 4, or not by this rig)");

    // The unit is the board's: the same image counts instructions on QEMU, cycles on a board.
    const std::string unit = board::to_string(board->counter);
    std::size_t width = 4;
    std::vector<const elf::BenchmarkEntry*> selected;
    for (const auto& entry : *table) {
        if (!filter->matches(entry.full_name())) continue;
        selected.push_back(&entry);
        width = std::max(width, entry.full_name().size());
    }
    if (selected.empty())
        return fail(fmt::format("the filter '{}' matches no benchmark ({} in the image)", args.filter, table->size()));
    fmt::print("# {} of {} benchmarks in {} (board {}, unit {})\n", selected.size(), table->size(), image_file.string(),
               board->name, unit);
    fmt::print("{:<{}}  {:<8}  {:<12}  {}\n", "name", width, "family", "unit", "what it measures");
    for (const auto* entry : selected)
        fmt::print("{:<{}}  {:<8}  {:<12}  {}\n", entry->full_name(), width, entry->family(), unit, entry->description);
    return exit_ok;
}

void add_benchmarks_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ListBenchmarksArgs>();
    auto* cmd =
        app.add_subcommand("benchmarks", "List the benchmarks of a board's image (read from the ELF, no board needed)");
    cmd->add_option("-b,--board", args->board, "Board name (its unit, and its image by default)")
        ->capture_default_str();
    cmd->add_option("--image", args->image, "Firmware ELF (default: the one this build made for the board)");
    cmd->add_option("-f,--filter", args->filter, filter_help)->check(filter_check());
    add_boards_dir_option(*cmd, args->boards_dir);
    cmd->callback([args, &exit_code] { exit_code = list_benchmarks(*args); });
}

}  // namespace rig::cli
