// axbnn plot / axbnn report in a build without the Qt GUI (AXBNN_GUI=OFF):
// the commands exist and say why they cannot run.
#include "commands.h"

#include <stdexcept>

namespace axbnn::cli {

void addExportCommands(CLI::App& app)
{
    for (const char* name : {"plot", "report"}) {
        CLI::App* cmd = app.add_subcommand(name, "Plots and reports (needs a build with -DAXBNN_GUI=ON)");
        cmd->allow_extras();
        cmd->callback([name] {
            throw std::runtime_error(std::string("'") + name + "' needs Qt: this axbnn was built with -DAXBNN_GUI=OFF");
        });
    }
}

} // namespace axbnn::cli
