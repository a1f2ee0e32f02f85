// `axbnn plot` and `axbnn report` run in axbnn-export, the executable beside
// axbnn that links Qt Widgets and QCustomPlot: axbnn itself stays Qt-free,
// so it builds (and the main job prints its first result) without the GUI
// library, and a build without the GUI still has every other command.
#include "commands.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace axbnn::cli {
namespace {

constexpr const char* kExportCommands[] = {"plot", "report"};

std::filesystem::path exportExecutable()
{
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return (ec ? std::filesystem::path() : self.parent_path()) / "axbnn-export";
}

} // namespace

bool isExportCommand(const char* word)
{
    for (const char* name : kExportCommands)
        if (std::strcmp(word, name) == 0)
            return true;
    return false;
}

int runExportCommand(int argc, char** argv)
{
    const std::string exe = exportExecutable().string();
    std::string command = argv[1];
    argv[0] = const_cast<char*>(exe.c_str());
    (void)argc;
    ::execv(exe.c_str(), argv); // returns only on failure
    const int error = errno;
    std::cerr << "axbnn: error: '" << command << "' runs in " << exe << ", which "
              << (error == ENOENT ? "was not built (it needs the GUI libraries: configure with -DAXBNN_GUI=ON and "
                                    "build the target axbnn-export)"
                                  : std::string("could not be started: ") + std::strerror(error))
              << "\n";
    return 1;
}

void addExportCommandNames(CLI::App& app)
{
    app.add_subcommand("plot", "Draw one of the workbench plots of a session to PNG, PDF or SVG")->allow_extras();
    app.add_subcommand("report",
                       "HTML or PDF report of a session: model, configuration, circuit metrics, errors, "
                       "accuracy, plots and the commands that reproduce each number")
        ->allow_extras();
}

} // namespace axbnn::cli
