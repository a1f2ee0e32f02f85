// axbnn-export: `axbnn plot` and `axbnn report`, which need Qt Widgets and
// QCustomPlot (axbnn hands them over, export_delegate.cpp). Run by itself it
// takes the same words: axbnn-export plot --session ... --out ...
#include "cli_app.h"
#include "commands.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"AxBNN Workbench plots and reports (the 'plot' and 'report' commands of axbnn)."};
    axbnn::cli::configureApp(app);
    axbnn::cli::addExportCommands(app);
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::cerr << "axbnn: error: a command is required: plot or report (run with --help for usage)\n";
            return 1;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "axbnn: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
